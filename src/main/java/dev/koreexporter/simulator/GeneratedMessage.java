package dev.koreexporter.simulator;

import dev.koreexporter.model.Message;

import java.time.Instant;

/**
 * A message as generated: {@code message.latency()} is set on every voice turn whether or not a request asks for
 * latency; {@code segmentDefect} is its one invalid latency value, if any ({@link Quirks#badSegmentShare()});
 * {@code afterSessionEnd}: created after its session's {@code end_time} (the closing message and dialogue after
 * the end of {@link SessionLifecycle#INACTIVITY_CLOSE}).
 */
public record GeneratedMessage(String botId, Message message, String userId, Instant visibleAt, boolean developer,
                               SegmentDefect segmentDefect, boolean afterSessionEnd) {
}
