package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.koreexporter.kore.Endpoint;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Kore.ai API routes. Every request to a known bot goes through the same steps: count it, rate limit,
 * faults that replace the answer, auth, then the endpoint, then faults that break the body.
 */
final class KoreApiService implements HttpService {
    private static final Logger LOG = Logger.getLogger(KoreApiService.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();

    interface Handler {
        byte[] handle(ApiCall call);
    }

    private final SimulatorOptions options;
    private final Map<String, BotTraffic> traffic;
    private final InstantSource clock;
    private final JwtVerifier jwt;
    private final RequestStats stats;
    private final FaultControl faults;

    KoreApiService(SimulatorOptions options, Map<String, BotTraffic> traffic, RequestStats stats, FaultControl faults) {
        this.options = options;
        this.traffic = traffic;
        this.clock = options.clock();
        this.jwt = new JwtVerifier(clock);
        this.stats = stats;
        this.faults = faults;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/public/bot/{botId}/getSessions",
                (req, res) -> serve(Endpoint.GET_SESSIONS, req, res, SessionsEndpoint::handle));
        rules.post("/api/public/bot/{botId}/getMessages",
                (req, res) -> serve(Endpoint.GET_MESSAGES, req, res, c -> MessagesEndpoint.handle(c, Endpoint.GET_MESSAGES)));
        rules.post("/api/public/bot/{botId}/getMessagesV2",
                (req, res) -> serve(Endpoint.GET_MESSAGES_V2, req, res, c -> MessagesEndpoint.handle(c, Endpoint.GET_MESSAGES_V2)));
        rules.post("/api/public/bot/{botId}/messages-lite",
                (req, res) -> serve(Endpoint.MESSAGES_LITE, req, res, c -> MessagesEndpoint.handle(c, Endpoint.MESSAGES_LITE)));
        rules.post("/agentassist/api/v1/public/{botId}/aaconversation",
                (req, res) -> serve(Endpoint.AACONVERSATION, req, res, AgentAiEndpoint::handle));
    }

    private void serve(Endpoint endpoint, ServerRequest req, ServerResponse res, Handler handler) {
        byte[] raw = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        String botId = req.path().pathParameters().get("botId");
        BotTraffic bot = traffic.get(botId);
        FaultControl.Applied none = new FaultControl.Applied(java.util.List.of());
        if (bot == null) {
            // Kore.ai checks the token before it looks the bot up: without a token valid for one of its apps
            // an unknown bot id is a 401 like any other, so a 404 never confirms that a bot id exists.
            String token = req.headers().first(HeaderNames.create("auth")).orElse(null);
            boolean known = options.bots().stream().anyMatch(b -> jwt.check(token, b) == null);
            date(res, Duration.ZERO);
            if (known) {
                ResponseSender.send(req, res, 404, ResponseSender.errors(404, "Bot not found"), none);
            } else {
                ResponseSender.send(req, res, 401, ResponseSender.errors(401, "Authentication failed"), none);
            }
            return;
        }
        RequestStats.Window window = stats.arrived(botId, endpoint, clock.instant());
        FaultControl.Applied applied = faults.take(botId, endpoint);
        // Recorded before the response leaves, so a client that got its answer also finds it in the stats.
        java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();
        res.beforeSend(() -> {
            if (recorded.compareAndSet(false, true)) {
                stats.completed(botId, endpoint, res.status().code());
            }
        });
        int status = 500;
        try {
            status = answer(endpoint, req, res, handler, bot, raw, window, applied);
        } finally {
            if (recorded.compareAndSet(false, true)) {
                stats.completed(botId, endpoint, status);
            }
        }
    }

    private int answer(Endpoint endpoint, ServerRequest req, ServerResponse res, Handler handler, BotTraffic bot,
                       byte[] raw, RequestStats.Window window, FaultControl.Applied applied) {
        FaultControl.Applied noBodyFaults = new FaultControl.Applied(java.util.List.of());
        date(res, applied.skew());
        boolean retryAfterAllowed = !applied.has(FaultType.NO_RETRY_AFTER);
        if (options.enforceRateLimits()
                && (window.lastMinute() > options.perMinute() || window.lastHour() > options.perHour())) {
            Duration wait = window.lastHour() > options.perHour() ? window.untilHourSlot() : window.untilMinuteSlot();
            return throttle(req, res, retryAfterAllowed ? Math.max(1, (wait.toMillis() + 999) / 1000) : 0, bot, endpoint);
        }
        Fault storm = applied.first(FaultType.RATE_LIMIT_STORM);
        if (storm != null) {
            return throttle(req, res, storm.retryAfter() && retryAfterAllowed ? 1 : 0, bot, endpoint);
        }
        Fault serverError = applied.first(FaultType.SERVER_ERROR);
        if (serverError != null) {
            ResponseSender.send(req, res, serverError.status(),
                    ResponseSender.errors(serverError.status(), "Internal error"), noBodyFaults);
            return serverError.status();
        }
        Fault slow = applied.first(FaultType.SLOW);
        if (slow != null) {
            sleep(slow.delay());
        }
        String authError = jwt.check(req.headers().first(HeaderNames.create("auth")).orElse(null), bot.bot);
        if (authError != null) {
            LOG.fine(() -> "bot " + bot.bot.name() + " " + endpoint.label() + ": 401 " + authError);
            ResponseSender.send(req, res, 401, ResponseSender.errors(401, authError), noBodyFaults);
            return 401;
        }
        if (endpoint == Endpoint.GET_MESSAGES_V2 && applied.has(FaultType.V2_MISSING)) {
            ResponseSender.send(req, res, 404, ResponseSender.errors(404, "Cannot POST " + req.path().path()),
                    noBodyFaults);
            return 404;
        }
        byte[] body;
        try {
            long now = clock.instant().plus(applied.skew()).toEpochMilli();
            ApiCall call = new ApiCall(bot.bot, bot, parse(raw), req, now, applied, options);
            body = handler.handle(call);
        } catch (ApiError e) {
            ResponseSender.send(req, res, e.status, ResponseSender.errors(e.status, e.getMessage()), noBodyFaults);
            return e.status;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "bot " + bot.bot.name() + " " + endpoint.label() + ": simulator failed", e);
            ResponseSender.send(req, res, 500, ResponseSender.errors(500, "Internal error"), noBodyFaults);
            return 500;
        }
        ResponseSender.send(req, res, 200, body, applied);
        return 200;
    }

    private int throttle(ServerRequest req, ServerResponse res, long retryAfterSeconds, BotTraffic bot, Endpoint ep) {
        LOG.fine(() -> "bot " + bot.bot.name() + " " + ep.label() + ": 429");
        if (retryAfterSeconds > 0) {
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(retryAfterSeconds));
        }
        ResponseSender.send(req, res, 429, ResponseSender.errors(429, "Too many requests"),
                new FaultControl.Applied(java.util.List.of()));
        return 429;
    }

    /** The {@code Date} header from the simulator's clock (skewed like its now), not the host's. */
    private void date(ServerResponse res, Duration skew) {
        res.header(HeaderNames.DATE, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(clock.instant().plus(skew).atZone(java.time.ZoneOffset.UTC)));
    }

    private static JsonNode parse(byte[] raw) {
        if (raw.length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = MAPPER.readTree(raw);
            if (node == null || node.isMissingNode()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                throw new ApiError(400, "Request body must be a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new ApiError(400, "Request body is not valid JSON");
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
