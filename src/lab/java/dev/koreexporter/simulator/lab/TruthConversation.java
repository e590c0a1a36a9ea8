package dev.koreexporter.simulator.lab;

import dev.koreexporter.model.AgentAiConversation;

import java.time.Instant;

/** An Agent AI conversation as generated, with the session it came from. */
public record TruthConversation(String botId, AgentAiConversation conversation, String sessionId,
                                Instant visibleAt, Defect defect) {
    public boolean valid() {
        return defect == null;
    }
}
