package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;

/** Turns counted records into spans. Called once per record, from the bot's poller thread. */
public interface TurnTracer {

    /** Emits the turn's spans; returns their ids for exemplars, or null when tracing is off. */
    SpanRef turn(ExporterConfig.Bot bot, Message turn);

    void sessionClosed(ExporterConfig.Bot bot, Session session);

    /**
     * Every counted incoming message, so that a turn can carry the user's words when
     * {@code tracing.include-text} opts in. Nothing is kept otherwise.
     */
    default void incoming(ExporterConfig.Bot bot, Message message) {
    }

    TurnTracer NONE = new TurnTracer() {
        @Override
        public SpanRef turn(ExporterConfig.Bot bot, Message turn) {
            return null;
        }

        @Override
        public void sessionClosed(ExporterConfig.Bot bot, Session session) {
        }
    };
}
