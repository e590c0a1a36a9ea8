package dev.koreexporter.simulator.lab;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.simulator.ApiInterceptor;
import dev.koreexporter.simulator.ApiRequest;
import dev.koreexporter.simulator.AuthFailure;
import dev.koreexporter.simulator.Reply;
import dev.koreexporter.simulator.ServedRecords;
import dev.koreexporter.simulator.Serving;
import dev.koreexporter.simulator.SimBot;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Counts every request in the statistics and serves it with the faults that apply to it. */
final class LabInterceptor implements ApiInterceptor {
    private final FaultControl faults;
    private final RequestStats stats;
    private final BrokenRecords broken;
    /** Client secrets rotated since the start, by bot id. */
    private final Map<String, String> secrets = new ConcurrentHashMap<>();

    LabInterceptor(FaultControl faults, RequestStats stats, BrokenRecords broken) {
        this.faults = faults;
        this.stats = stats;
        this.broken = broken;
    }

    /** From now on the bot's app has {@code secret}: tokens signed with the one before are refused. */
    void rotateClientSecret(String botId, String secret) {
        secrets.put(botId, secret);
    }

    @Override
    public Exchange arrived(ApiRequest request) {
        stats.arrived(request);
        return new Faulted(request, faults.take(request.bot().botId(), request.endpoint()));
    }

    private final class Faulted implements Exchange {
        private final ApiRequest request;
        private final FaultControl.Applied applied;

        Faulted(ApiRequest request, FaultControl.Applied applied) {
            this.request = request;
            this.applied = applied;
        }

        @Override
        public Serving serving(Serving tenant) {
            return tenant.withClockOffset(tenant.clockOffset().plus(applied.skew()))
                    .withRetryAfter(tenant.retryAfter() && !applied.has(FaultType.NO_RETRY_AFTER))
                    .withEndpointExists(tenant.endpointExists()
                            && !(request.endpoint() == Endpoint.GET_MESSAGES_V2 && applied.has(FaultType.V2_MISSING)))
                    .withChannelTypeHonoured(tenant.channelTypeHonoured() && !applied.has(FaultType.IGNORE_CHANNEL_TYPE))
                    .withActiveSessionsListed(tenant.activeSessionsListed() && !applied.has(FaultType.CLOSED_SESSIONS_ONLY))
                    .withPageCap(applied.has(FaultType.SMALL_PAGES)
                            ? Math.min(tenant.pageCap(), FaultType.SMALL_PAGE) : tenant.pageCap())
                    .withPagesOverlap(tenant.pagesOverlap() || applied.has(FaultType.PAGE_SHIFT))
                    .withReversed(tenant.reversed() || applied.has(FaultType.UNORDERED));
        }

        @Override
        public SimBot app(SimBot bot) {
            String rotated = secrets.get(bot.botId());
            return rotated == null ? bot : bot.withClientSecret(rotated);
        }

        @Override
        public Optional<Reply> replacement() {
            Fault storm = applied.first(FaultType.RATE_LIMIT_STORM);
            if (storm != null) {
                return Optional.of(Reply.tooManyRequests(
                        storm.retryAfter() && !applied.has(FaultType.NO_RETRY_AFTER) ? 1 : 0));
            }
            Fault serverError = applied.first(FaultType.SERVER_ERROR);
            if (serverError != null) {
                return Optional.of(Reply.error(serverError.status(), "Internal error"));
            }
            Fault slow = applied.first(FaultType.SLOW);
            if (slow != null) {
                try {
                    Thread.sleep(slow.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Optional.empty();
        }

        @Override
        public byte[] body(byte[] json, ServedRecords records) {
            if (applied.has(FaultType.BAD_RECORDS)) {
                broken.breakSome(records);
            }
            byte[] body = broken.show(json, records);
            if (applied.has(FaultType.MALFORMED_JSON)) {
                return malformed(body);
            }
            return applied.has(FaultType.TRUNCATED_BODY) ? Arrays.copyOf(body, Math.max(1, body.length / 2)) : body;
        }

        @Override
        public boolean dropsConnection() {
            return applied.has(FaultType.CONNECTION_RESET);
        }

        @Override
        public void completed(int status) {
            stats.completed(request.bot().botId(), request.endpoint(), status);
        }

        @Override
        public void refused(AuthFailure why) {
            stats.refused(request.bot().botId(), why);
        }
    }

    /** Not JSON from the first key on, so no lenient parser can read a prefix of it as a valid document. */
    private static byte[] malformed(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        int colon = s.indexOf(':');
        String broken = colon < 0 ? "{" + s : s.substring(0, colon) + ";" + s.substring(colon + 1);
        return ("<html>" + broken).getBytes(StandardCharsets.UTF_8);
    }
}
