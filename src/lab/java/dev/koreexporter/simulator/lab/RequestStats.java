package dev.koreexporter.simulator.lab;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.simulator.ApiRequest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every request each bot received, with the exact maximum number of requests in any sliding 60 s and 3600 s
 * window (the simulator counts each request's windows as it arrives, as Kore.ai's rate limits do).
 */
public final class RequestStats {
    private final Map<String, BotLog> logs = new ConcurrentHashMap<>();

    /** What a bot received so far. Maps are keyed by endpoint label and HTTP status. */
    public record BotStats(String botId, long total, Map<String, Long> byEndpoint, Map<Integer, Long> byStatus,
                           Map<String, Map<Integer, Long>> byEndpointAndStatus, long throttled,
                           int maxPerMinute, int maxPerHour) {
    }

    public BotStats bot(String botId) {
        BotLog log = logs.get(botId);
        return log == null
                ? new BotStats(botId, 0, Map.of(), Map.of(), Map.of(), 0, 0, 0)
                : log.snapshot(botId);
    }

    public Map<String, BotStats> all() {
        Map<String, BotStats> out = new TreeMap<>();
        logs.keySet().forEach(id -> out.put(id, bot(id)));
        return out;
    }

    void arrived(ApiRequest request) {
        logs.computeIfAbsent(request.bot().botId(), id -> new BotLog()).arrived(request);
    }

    void completed(String botId, Endpoint endpoint, int status) {
        logs.computeIfAbsent(botId, id -> new BotLog()).completed(endpoint, status);
    }

    private static final class BotLog {
        private final Map<String, Long> byEndpoint = new TreeMap<>();
        private final Map<String, Map<Integer, Long>> byEndpointAndStatus = new TreeMap<>();
        private long total;
        private int maxMinute;
        private int maxHour;

        synchronized void arrived(ApiRequest request) {
            total++;
            byEndpoint.merge(request.endpoint().label(), 1L, Long::sum);
            maxMinute = Math.max(maxMinute, request.requestsLastMinute());
            maxHour = Math.max(maxHour, request.requestsLastHour());
        }

        synchronized void completed(Endpoint endpoint, int status) {
            byEndpointAndStatus.computeIfAbsent(endpoint.label(), e -> new TreeMap<>()).merge(status, 1L, Long::sum);
        }

        synchronized BotStats snapshot(String botId) {
            Map<Integer, Long> byStatus = new TreeMap<>();
            Map<String, Map<Integer, Long>> copy = new TreeMap<>();
            byEndpointAndStatus.forEach((ep, m) -> {
                copy.put(ep, Map.copyOf(m));
                m.forEach((s, n) -> byStatus.merge(s, n, Long::sum));
            });
            return new BotStats(botId, total, Map.copyOf(byEndpoint), Map.copyOf(byStatus), Map.copyOf(copy),
                    byStatus.getOrDefault(429, 0L), maxMinute, maxHour);
        }
    }
}
