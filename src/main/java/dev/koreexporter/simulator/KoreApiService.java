package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.koreexporter.kore.Endpoint;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Kore.ai API routes. Every request to a known bot goes through the same steps: count it against the rate
 * limits, hand it to the interceptor, rate limit, the interceptor's replacement answer, auth, the endpoint, then
 * the page's answer time (or its hang). The Agent AI route is served on the main listener or, when the options
 * say so, only on a listener of its own ({@link #agentAiRoutes()}); both share one rate log per bot.
 */
final class KoreApiService implements HttpService {
    private static final Logger LOG = Logger.getLogger(KoreApiService.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HeaderName AUTH = HeaderNames.create("auth");

    interface Handler {
        Answer handle(ApiCall call);
    }

    private final SimulatorOptions options;
    private final GeneratedTraffic traffic;
    private final InstantSource clock;
    private final JwtVerifier jwt;
    private final RateWindows windows;
    private final ApiInterceptor interceptor;

    KoreApiService(GeneratedTraffic traffic, ApiInterceptor interceptor) {
        this.options = traffic.options();
        this.traffic = traffic;
        this.clock = options.clock();
        this.jwt = new JwtVerifier(clock);
        this.windows = new RateWindows(options);
        this.interceptor = interceptor;
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
        if (!options.agentAiOnOwnListener()) {
            agentAiRoutes().routing(rules);
        }
    }

    /** The Agent AI conversations route, for the listener that serves it. */
    HttpService agentAiRoutes() {
        return rules -> rules.post("/agentassist/api/v1/public/{botId}/aaconversation",
                (req, res) -> serve(Endpoint.AACONVERSATION, req, res, AgentAiEndpoint::handle));
    }

    private void serve(Endpoint endpoint, ServerRequest req, ServerResponse res, Handler handler) {
        byte[] raw = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        String botId = req.path().pathParameters().get("botId");
        BotTraffic bot = traffic.find(botId);
        if (bot == null) {
            // Kore.ai checks the token before it looks the bot up: without a token valid for one of its apps
            // an unknown bot id is a 401 like any other, so a 404 never confirms that a bot id exists.
            String token = req.headers().first(AUTH).orElse(null);
            boolean known = options.bots().stream().anyMatch(b -> jwt.check(token, b).isEmpty());
            date(res, Duration.ZERO);
            ResponseSender.send(req, res, known ? Reply.error(404, "Bot not found")
                    : Reply.error(401, "Authentication failed"));
            return;
        }
        Instant at = clock.instant();
        RateWindows.Window window = windows.arrived(bot.bot, at);
        ApiInterceptor.Exchange exchange = interceptor.arrived(
                new ApiRequest(bot.bot, endpoint, at, window.ownLastMinute(), window.ownLastHour(), window.others()));
        // Reported before the response leaves, so a client that got its answer also finds it in the lab's stats.
        AtomicBoolean reported = new AtomicBoolean();
        res.beforeSend(() -> {
            if (reported.compareAndSet(false, true)) {
                exchange.completed(res.status().code());
            }
        });
        int status = 500;
        try {
            status = answer(endpoint, req, res, handler, bot, raw, window, exchange);
        } catch (CloseConnectionException e) {
            // Nothing was sent (a hung page) or the answer's status was already reported (a dropped connection).
            status = ApiInterceptor.NO_ANSWER;
            throw e;
        } finally {
            if (reported.compareAndSet(false, true)) {
                exchange.completed(status);
            }
        }
    }

    private int answer(Endpoint endpoint, ServerRequest req, ServerResponse res, Handler handler, BotTraffic bot,
                       byte[] raw, RateWindows.Window window, ApiInterceptor.Exchange exchange) {
        Serving serving = exchange.serving(options.tenant());
        date(res, serving.clockOffset());
        if (options.enforceRateLimits()
                && (window.lastMinute() > options.perMinute() || window.lastHour() > options.perHour())) {
            Duration wait = window.lastHour() > options.perHour() ? window.untilHourSlot() : window.untilMinuteSlot();
            return reply(req, res, bot, endpoint,
                    Reply.tooManyRequests(serving.retryAfter() ? Math.max(1, (wait.toMillis() + 999) / 1000) : 0));
        }
        Optional<Reply> replacement = exchange.replacement();
        if (replacement.isPresent()) {
            return reply(req, res, bot, endpoint, replacement.get());
        }
        Optional<AuthFailure> refused = jwt.admit(req.headers().first(AUTH).orElse(null), exchange.app(bot.bot));
        if (refused.isPresent()) {
            exchange.refused(refused.get());
            return reply(req, res, bot, endpoint, Reply.error(401, refused.get().message()));
        }
        if (!serving.endpointExists()) {
            return reply(req, res, bot, endpoint, Reply.error(404, "Cannot POST " + req.path().path()));
        }
        Answer answer;
        try {
            long now = clock.instant().plus(serving.clockOffset()).toEpochMilli();
            answer = handler.handle(new ApiCall(bot.bot, bot, parse(raw), req, now, serving, options));
        } catch (ApiError e) {
            return reply(req, res, bot, endpoint, Reply.error(e.status, e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "bot " + bot.bot.name() + " " + endpoint.label() + ": simulator failed", e);
            return reply(req, res, bot, endpoint, Reply.error(500, "Internal error"));
        }
        take(serving.pageTime(), answer.served().size(), bot, endpoint);
        ResponseSender.send(req, res, 200, exchange.body(answer.json(), answer.served()), exchange.dropsConnection());
        return 200;
    }

    /**
     * Takes as long as the tenant takes to answer a page of {@code records}; a page too large to be answered hangs,
     * then its connection is closed without an answer. Server threads are virtual: a hang costs no platform thread.
     */
    private static void take(PageTime pageTime, int records, BotTraffic bot, Endpoint endpoint) {
        boolean hangs = pageTime.hangs(records);
        Duration time = hangs ? pageTime.hang() : pageTime.answerTime(records);
        if (time.isPositive()) {
            try {
                Thread.sleep(time);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CloseConnectionException("simulator stopping");
            }
        }
        if (hangs) {
            LOG.fine(() -> "bot " + bot.bot.name() + " " + endpoint.label() + ": a page of " + records
                    + " records hung for " + time);
            throw new CloseConnectionException("a page of " + records + " records is never answered");
        }
    }

    private static int reply(ServerRequest req, ServerResponse res, BotTraffic bot, Endpoint endpoint, Reply reply) {
        LOG.fine(() -> "bot " + bot.bot.name() + " " + endpoint.label() + ": " + reply.status() + " " + reply.message());
        ResponseSender.send(req, res, reply);
        return reply.status();
    }

    /** The {@code Date} header from the simulator's clock (offset like its now), not the host's. */
    private void date(ServerResponse res, Duration offset) {
        res.header(HeaderNames.DATE, DateTimeFormatter.RFC_1123_DATE_TIME
                .format(clock.instant().plus(offset).atZone(ZoneOffset.UTC)));
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
        } catch (IOException e) {
            throw new ApiError(400, "Request body is not valid JSON");
        }
    }
}
