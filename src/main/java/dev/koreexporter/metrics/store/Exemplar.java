package dev.koreexporter.metrics.store;

import java.util.HexFormat;

/** A turn's span as a latency observation points to it: trace id (two longs) and span id. */
public record Exemplar(long traceHi, long traceLo, long spanId) {

    /** From OpenTelemetry's hex ids (32 and 16 digits); null when they are not such ids (nothing to point to). */
    public static Exemplar of(String traceId, String spanId) {
        if (traceId == null || spanId == null || traceId.length() != 32 || spanId.length() != 16) {
            return null;
        }
        try {
            Exemplar e = new Exemplar(HexFormat.fromHexDigitsToLong(traceId, 0, 16),
                    HexFormat.fromHexDigitsToLong(traceId, 16, 32), HexFormat.fromHexDigitsToLong(spanId));
            return (e.traceHi | e.traceLo) == 0 ? null : e;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
