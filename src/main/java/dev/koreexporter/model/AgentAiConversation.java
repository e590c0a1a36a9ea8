package dev.koreexporter.model;

import java.time.Instant;
import java.util.Objects;

/** One record of the Agent AI conversations API. */
public record AgentAiConversation(String id, String channelType, String experience, Instant startTime)
        implements KoreRecord {
    public AgentAiConversation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(startTime, "startTime");
    }

    /** Listed and counted by its start. */
    @Override
    public Instant time() {
        return startTime;
    }
}
