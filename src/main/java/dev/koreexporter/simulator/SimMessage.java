package dev.koreexporter.simulator;

import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Message;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** One generated message. Ids and text are derived on demand to keep the per-message footprint small. */
final class SimMessage {
    final SimSession session;
    final int seq;
    final boolean outgoing;
    final long createdOn;
    final long visibleAt;
    final TurnLatency latency;
    final short textIndex;
    /** One invalid latency value ({@link Quirks#badSegmentShare()}); the message stays valid. */
    SegmentDefect segmentDefect;
    /** Set once the record was first served ({@link ServedRecords#firstServing}). */
    final AtomicBoolean served = new AtomicBoolean();

    SimMessage(SimSession session, int seq, boolean outgoing, long createdOn, long visibleAt,
               TurnLatency latency, short textIndex) {
        this.session = session;
        this.seq = seq;
        this.outgoing = outgoing;
        this.createdOn = createdOn;
        this.visibleAt = visibleAt;
        this.latency = latency;
        this.textIndex = textIndex;
    }

    String id() {
        return "ms-" + Ids.uuid(session.idSeed, seq);
    }

    String componentId() {
        return "cp-" + Ids.uuid(session.idSeed, 10_000 + seq);
    }

    String traceId() {
        return Ids.uuid(session.idSeed, 20_000 + seq);
    }

    boolean developer() {
        return session.developer != 0;
    }

    String text() {
        return Texts.text(session.lang, outgoing, textIndex);
    }

    Message toModel() {
        return new Message(id(), session.id, outgoing ? Direction.OUTGOING : Direction.INCOMING, session.channel,
                session.lang, Instant.ofEpochMilli(createdOn), latency == null ? null : latency.toModel(),
                text(), outgoing ? null : traceId());
    }
}
