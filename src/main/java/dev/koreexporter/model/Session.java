package dev.koreexporter.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A Kore.ai session. An active session has no {@code end} and no {@code containment} yet.
 */
public record Session(String id,
                      String channel,
                      Instant start,
                      Instant end,
                      boolean active,
                      Containment containment,
                      String sessionType,
                      Integer messages,
                      List<String> languages) {
    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(start, "start");
        languages = languages == null ? List.of() : List.copyOf(languages);
    }

    public boolean closed() {
        return !active;
    }
}
