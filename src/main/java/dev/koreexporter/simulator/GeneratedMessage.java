package dev.koreexporter.simulator;

import dev.koreexporter.model.Message;

import java.time.Instant;

/**
 * A message as generated: {@code message.latency()} is set on every voice turn whether or not a request asks for
 * latency; {@code segmentDefect} is its one invalid latency value, if any ({@link Quirks#badSegmentShare()}).
 */
public record GeneratedMessage(String botId, Message message, String userId, Instant visibleAt, boolean developer,
                               SegmentDefect segmentDefect) {
}
