package dev.koreexporter.simulator;

import dev.koreexporter.model.AgentAiConversation;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** An Agent AI conversation opened when a session was handed to an agent. */
final class SimConversation {
    final SimSession session;
    final long startTime;
    final long visibleAt;
    /** Set once the record was first served ({@link ServedRecords#firstServing}). */
    final AtomicBoolean served = new AtomicBoolean();

    SimConversation(SimSession session, long startTime, long visibleAt) {
        this.session = session;
        this.startTime = startTime;
        this.visibleAt = visibleAt;
    }

    String id() {
        return Ids.objectId(session.idSeed, 2);
    }

    String convId() {
        return "conv-" + Ids.objectId(session.idSeed, 3);
    }

    String channelType() {
        return session.voice() ? "voice" : "chat";
    }

    String experience() {
        return session.voice() ? "voice" : "chat";
    }

    AgentAiConversation toModel() {
        return new AgentAiConversation(id(), channelType(), experience(), Instant.ofEpochMilli(startTime));
    }
}
