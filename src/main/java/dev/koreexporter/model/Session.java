package dev.koreexporter.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A Kore.ai session. An active session has no {@code end} and no {@code containment} yet. {@code developer}:
 * Bot Builder test traffic ({@code isDeveloper}). {@code badTimes}: its times cannot both be true (the end
 * before the start, or implausibly far after it): the session is rejected, once, never counted.
 */
public record Session(String id,
                      String channel,
                      Instant start,
                      Instant end,
                      boolean active,
                      Containment containment,
                      String sessionType,
                      Integer messages,
                      List<String> languages,
                      boolean developer,
                      boolean badTimes) implements KoreRecord {
    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(start, "start");
        languages = languages == null ? List.of() : List.copyOf(languages);
    }

    /** Production traffic with plausible times. */
    public Session(String id, String channel, Instant start, Instant end, boolean active, Containment containment,
                   String sessionType, Integer messages, List<String> languages) {
        this(id, channel, start, end, active, containment, sessionType, messages, languages, false, false);
    }

    /** getSessions lists sessions by their {@code start_time}. */
    @Override
    public Instant time() {
        return start;
    }

    public boolean closed() {
        return !active;
    }
}
