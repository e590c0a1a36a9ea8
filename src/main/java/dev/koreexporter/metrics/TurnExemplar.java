package dev.koreexporter.metrics;

/** The span a latency observation points to: hex trace id (32) and span id (16). */
public record TurnExemplar(String traceId, String spanId) {
}
