package dev.koreexporter.simulator;

import dev.koreexporter.model.AgentAiConversation;

import java.time.Instant;

/** An Agent AI conversation as generated, with the session it came from. */
public record GeneratedConversation(String botId, AgentAiConversation conversation, String sessionId,
                                    Instant visibleAt) {
}
