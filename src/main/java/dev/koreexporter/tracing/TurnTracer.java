package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;

/** Turns counted records into spans. Called once per record, from the bot's poller thread. */
public interface TurnTracer {

    /**
     * Emits the turn's spans; returns the turn span's ids for an exemplar, or null when the span did not go to the
     * exporter (tracing off, not sampled, or dropped while the backend fails). May wait for room in the span
     * queue while the backend accepts spans.
     */
    SpanRef turn(ExporterConfig.Bot bot, Message turn);

    void sessionClosed(ExporterConfig.Bot bot, Session session);

    /**
     * Every counted message (incoming ones matter): a turn carries Kore.ai's {@code traceId} of the user message
     * it answers, and the user's words when {@code tracing.include-text} opts in.
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
