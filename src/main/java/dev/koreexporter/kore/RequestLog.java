package dev.koreexporter.kore;

import java.util.List;

/**
 * Where a bot's rate limiter keeps the requests it let go, so that a restarted process (after a crash, a kill by a
 * liveness probe, an upgrade) knows what the last one sent and never exceeds Kore.ai's 60/min and 1,800/h
 * (docs/reliability.md). Each request is noted before it is sent.
 */
public interface RequestLog {
    /** The requests noted in the last hour, as epoch millis, oldest first. */
    List<Long> recent();

    /** Notes a request about to be sent at {@code epochMillis}. */
    void sent(long epochMillis);

    /**
     * Requests another process sent for the bot and this one learnt of since it last asked (epoch millis): a replica
     * that takes a bot over from another (state shared in PostgreSQL) paces by them too. None by default.
     */
    default List<Long> elsewhere() {
        return List.of();
    }

    /** Keeps nothing: a process that starts knows of no request before it. */
    RequestLog NONE = new RequestLog() {
        @Override
        public List<Long> recent() {
            return List.of();
        }

        @Override
        public void sent(long epochMillis) {
        }
    };
}
