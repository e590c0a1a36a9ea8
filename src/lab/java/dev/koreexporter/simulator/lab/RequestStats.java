package dev.koreexporter.simulator.lab;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.simulator.ApiRequest;
import dev.koreexporter.simulator.AuthFailure;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every request each bot received over HTTP (the exporter's), with the exact maximum number of them in any
 * sliding 60 s and 3600 s window (the simulator counts each request's windows as it arrives, as Kore.ai's rate
 * limits do), apart from the requests of the bot's other consumer, which share its rate limits but are not sent
 * over HTTP.
 */
public final class RequestStats {
    private final Map<String, BotLog> logs = new ConcurrentHashMap<>();

    /**
     * What a bot received so far. Maps are keyed by endpoint label and HTTP status ({@code 0}: no answer, the
     * request hung). {@code maxPerMinute}/{@code maxPerHour} count the HTTP requests only, {@code maxBotPerMinute}/
     * {@code maxBotPerHour} every consumer's (what the limits count). {@code otherRequests} and
     * {@code otherThrottled} are the other consumer's requests and its 429s, as of the bot's last HTTP request.
     * {@code refused} counts the 401s by {@link AuthFailure#wireName()}; {@code jtiRefused} those for a missing or
     * reused {@code jti}.
     */
    public record BotStats(String botId, long total, Map<String, Long> byEndpoint, Map<Integer, Long> byStatus,
                           Map<String, Map<Integer, Long>> byEndpointAndStatus, long throttled,
                           int maxPerMinute, int maxPerHour, int maxBotPerMinute, int maxBotPerHour,
                           long otherRequests, long otherThrottled, Map<String, Long> refused, long jtiRefused) {
    }

    public BotStats bot(String botId) {
        BotLog log = logs.get(botId);
        return log == null
                ? new BotStats(botId, 0, Map.of(), Map.of(), Map.of(), 0, 0, 0, 0, 0, 0, 0, Map.of(), 0)
                : log.snapshot(botId);
    }

    public Map<String, BotStats> all() {
        Map<String, BotStats> out = new TreeMap<>();
        logs.keySet().forEach(id -> out.put(id, bot(id)));
        return out;
    }

    void arrived(ApiRequest request) {
        log(request.bot().botId()).arrived(request);
    }

    void completed(String botId, Endpoint endpoint, int status) {
        log(botId).completed(endpoint, status);
    }

    void refused(String botId, AuthFailure why) {
        log(botId).refused(why);
    }

    private BotLog log(String botId) {
        return logs.computeIfAbsent(botId, id -> new BotLog());
    }

    private static final class BotLog {
        private final Map<String, Long> byEndpoint = new TreeMap<>();
        private final Map<String, Map<Integer, Long>> byEndpointAndStatus = new TreeMap<>();
        private final Map<String, Long> refused = new TreeMap<>();
        private long total;
        private int maxMinute;
        private int maxHour;
        private int maxBotMinute;
        private int maxBotHour;
        private long otherRequests;
        private long otherThrottled;
        private long jtiRefused;

        synchronized void arrived(ApiRequest request) {
            total++;
            byEndpoint.merge(request.endpoint().label(), 1L, Long::sum);
            maxMinute = Math.max(maxMinute, request.requestsLastMinute());
            maxHour = Math.max(maxHour, request.requestsLastHour());
            maxBotMinute = Math.max(maxBotMinute, request.botRequestsLastMinute());
            maxBotHour = Math.max(maxBotHour, request.botRequestsLastHour());
            otherRequests = Math.max(otherRequests, request.others().sent());
            otherThrottled = Math.max(otherThrottled, request.others().throttled());
        }

        synchronized void completed(Endpoint endpoint, int status) {
            byEndpointAndStatus.computeIfAbsent(endpoint.label(), e -> new TreeMap<>()).merge(status, 1L, Long::sum);
        }

        synchronized void refused(AuthFailure why) {
            refused.merge(why.wireName(), 1L, Long::sum);
            if (why.jti()) {
                jtiRefused++;
            }
        }

        synchronized BotStats snapshot(String botId) {
            Map<Integer, Long> byStatus = new TreeMap<>();
            Map<String, Map<Integer, Long>> copy = new TreeMap<>();
            byEndpointAndStatus.forEach((ep, m) -> {
                copy.put(ep, Map.copyOf(m));
                m.forEach((s, n) -> byStatus.merge(s, n, Long::sum));
            });
            return new BotStats(botId, total, Map.copyOf(byEndpoint), Map.copyOf(byStatus), Map.copyOf(copy),
                    byStatus.getOrDefault(429, 0L), maxMinute, maxHour, maxBotMinute, maxBotHour, otherRequests,
                    otherThrottled, Map.copyOf(refused), jtiRefused);
        }
    }
}
