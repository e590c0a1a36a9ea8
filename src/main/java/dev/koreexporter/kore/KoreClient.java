package dev.koreexporter.kore;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.dto.Requests;
import dev.koreexporter.kore.dto.WirePage;
import dev.koreexporter.kore.dto.WirePages;
import dev.koreexporter.kore.dto.WireTime;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;
import io.helidon.common.tls.Tls;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.api.WebClientConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * {@link KoreApi} over Helidon's WebClient, for one bot. All endpoints of the bot share one
 * {@link RateLimiter}, so create exactly one client per bot. Records are mapped but not filtered by the
 * requested window (Kore.ai may return records outside it; the caller decides).
 */
public final class KoreClient implements KoreApi, AutoCloseable {
    /** getSessions takes at most 50 session ids a call (README, "How it reads Kore.ai"). */
    static final int SESSION_IDS_PER_CALL = 50;

    private final WebClient webClient;
    private final ApiCaller caller;
    private final String botName;
    private final String botPath;
    private final String agentAiPath;
    private final String accountId;
    private final boolean includeText;
    private final AgentAiCursor agentAiCursor;
    private final RateLimiter limiter;

    /** A client that leaves message text out of {@link Message#text()}. */
    public static KoreClient create(ExporterConfig.Kore kore, ExporterConfig.Bot bot, Clock clock,
                                    ApiRequestListener listener) {
        return create(kore, bot, clock, listener, false);
    }

    /** @param includeText copy message text into {@link Message#text()} (the user opted in) */
    public static KoreClient create(ExporterConfig.Kore kore, ExporterConfig.Bot bot, Clock clock,
                                    ApiRequestListener listener, boolean includeText) {
        return create(kore, bot, clock, listener, includeText, Sleeper.SYSTEM);
    }

    /**
     * @param sleeper how backoff and rate-limit waits are spent; tests on a manual clock pass one that
     *                advances that clock instead of sleeping
     */
    public static KoreClient create(ExporterConfig.Kore kore, ExporterConfig.Bot bot, Clock clock,
                                    ApiRequestListener listener, boolean includeText, Sleeper sleeper) {
        return new KoreClient(kore, bot, clock, listener, includeText, sleeper,
                () -> ThreadLocalRandom.current().nextDouble(), RetryPolicy.DEFAULT);
    }

    KoreClient(ExporterConfig.Kore kore, ExporterConfig.Bot bot, Clock clock, ApiRequestListener listener,
               boolean includeText, Sleeper sleeper, DoubleSupplier jitter, RetryPolicy policy) {
        this.webClient = webClient(kore);
        this.botName = bot.name();
        this.botPath = "/api/public/bot/" + bot.id();
        this.accountId = bot.accountId();
        this.includeText = includeText;
        ServerClock serverClock = new ServerClock();
        this.limiter = new RateLimiter(kore.rateLimit(), clock, sleeper);
        // Tokens are dated by Kore.ai's clock when the local one is behind it: else they would be expired.
        this.caller = new ApiCaller(webClient, kore.baseUrl(), bot.name(),
                new JwtTokenSource(bot.clientId(), bot.clientSecret(), serverClock.notBehind(clock)), limiter,
                Objects.requireNonNull(listener, "listener"), clock, sleeper, jitter, policy,
                kore.timeout(), kore.maxResponseSize(), serverClock);
        this.agentAiPath = "/agentassist/api/v1/public/" + bot.id() + "/aaconversation";
        this.agentAiCursor = new AgentAiCursor(bot.name());
    }

    /** The share of the bot's rate limit for {@code window} its requests in that window take, now. */
    public double budgetUsed(BudgetWindow window) {
        return limiter.usedRatio(window);
    }

    @Override
    public Iterable<Page<Session>> sessions(TimeWindow window) {
        String path = botPath + "/getSessions";
        return PagedListing.shrinkingOnTooLarge(WindowSplitter.split(window), Endpoint.GET_SESSIONS.pageSize(),
                (w, skip, limit) -> {
            return caller.post(Endpoint.GET_SESSIONS, path, Map.of(),
                    new Requests.Sessions(wireTime(w.from()), wireTime(w.to()), skip, limit),
                    body -> WirePages.SESSIONS.read(body, null, false));
        });
    }

    @Override
    public Iterable<SessionLookup> sessionsById(Collection<String> ids) {
        List<String> unique = List.copyOf(new LinkedHashSet<>(ids));
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < unique.size(); i += SESSION_IDS_PER_CALL) {
            chunks.add(unique.subList(i, Math.min(i + SESSION_IDS_PER_CALL, unique.size())));
        }
        // Lazy: each call is made when the iterator reaches it, so the caller counts one before the next is sent.
        return () -> chunks.stream().map(this::lookUp).iterator();
    }

    private SessionLookup lookUp(List<String> chunk) {
        WirePage<Session> page = caller.post(Endpoint.GET_SESSIONS, botPath + "/getSessions", Map.of(),
                new Requests.SessionIds(chunk), body -> WirePages.SESSIONS.read(body, null, false));
        return new SessionLookup(page.page().records(), page.page().unknownIds(), page.page().rejections());
    }

    @Override
    public Iterable<Page<Message>> messages(String channel, TimeWindow window) {
        return messageListing(Endpoint.GET_MESSAGES_V2, "/getMessagesV2", channel, window, (w, skip, limit) ->
                new Requests.Messages(wireTime(w.from()), wireTime(w.to()), channel, true, true, skip, limit,
                        List.of(), null));
    }

    /**
     * Agent AI conversations of whole UTC days; needs the bot's {@code account-id}. Each day is read from the
     * first page that can hold a record of the window ({@link AgentAiCursor}), not from page 1.
     */
    @Override
    public Iterable<Page<AgentAiConversation>> agentAiConversations(TimeWindow window) {
        if (accountId == null) {
            throw new IllegalStateException("bot " + botName + " has no account-id: Agent AI conversations need one");
        }
        return new PagedListing<>(WindowSplitter.splitDays(window), PagedListing.Paging.PAGE_NUMBER, (days, page) -> {
            WirePage<AgentAiConversation> fetched = caller.post(Endpoint.AACONVERSATION, agentAiPath,
                    Map.of("accountId", accountId), new Requests.Conversations(days.from().toString(),
                            days.to().toString(), page, Endpoint.AACONVERSATION.pageSize(), false),
                    body -> WirePages.CONVERSATIONS.read(body, null, false));
            agentAiCursor.observe(days, page, fetched.page(), fetched.more());
            return fetched;
        }, days -> agentAiCursor.firstPage(days, window.from()));
    }

    @Override
    public Optional<Instant> serverTime() {
        return caller.serverClock().latest();
    }

    @Override
    public void close() {
        webClient.closeResource();
    }

    @Override
    public String toString() {
        return "KoreClient[bot=" + botName + "]";
    }

    @Override
    public Iterable<Page<Message>> messagesV1(String channel, TimeWindow window) {
        return messageListing(Endpoint.GET_MESSAGES, "/getMessages", channel, window, (w, skip, limit) ->
                new Requests.Messages(wireTime(w.from()), wireTime(w.to()), channel, true, true, skip, limit,
                        List.of(), null));
    }

    private interface RequestBody {
        Requests.Messages at(TimeWindow window, int skip, int limit);
    }

    /** A message listing whose page limit halves after a page too large to read (README "Reliability"). */
    private Iterable<Page<Message>> messageListing(Endpoint endpoint, String suffix, String channel,
                                                   TimeWindow window, RequestBody body) {
        String path = botPath + suffix;
        return PagedListing.shrinkingOnTooLarge(WindowSplitter.split(window), endpoint.pageSize(), (w, skip, limit) ->
                // Parsed inside the caller's retry loop: the streaming reader sees a cut-off body only there.
                caller.post(endpoint, path, Map.of(), body.at(w, skip, limit),
                        bytes -> WirePages.MESSAGES.read(bytes, channel, includeText)));
    }

    static String wireTime(Instant instant) {
        return WireTime.format(instant);
    }

    /** The WebClient for Kore.ai: timeouts, no discovered decoders, the CA bundle (also used by doctor). */
    static WebClient webClient(ExporterConfig.Kore kore) {
        WebClientConfig.Builder builder = WebClient.builder()
                .connectTimeout(kore.timeout())
                .readTimeout(kore.timeout())
                // No discovered decoders: Helidon would refuse "Content-Encoding: gzip" without its gzip
                // module (not on our class path), so the body is un-gzipped by ApiCaller instead.
                .contentEncoding(ContentEncodingContext.create(c -> c.contentEncodingsDiscoverServices(false)));
        if (kore.caBundle() != null) {
            builder.tls(Tls.builder().trust(certificates(kore.caBundle())).build());
        }
        return builder.build();
    }

    private static List<X509Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("kore.ca-bundle: no certificate in " + pem);
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("kore.ca-bundle: cannot read PEM certificates from " + pem
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
