package dev.koreexporter.kore;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.dto.WireFormatException;
import dev.koreexporter.kore.dto.WireJson;
import dev.koreexporter.kore.dto.WirePage;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Page;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

/**
 * {@link KoreApi} over Helidon's WebClient, for one bot: reads any {@link Listing} by its description. All
 * endpoints of the bot share one {@link RateLimiter}, so create exactly one client per bot. Records are mapped but
 * not filtered by the requested window (Kore.ai may return records outside it; the caller decides).
 */
public final class KoreClient implements KoreApi, AutoCloseable {
    private final Transport transport;
    private final ApiCaller caller;
    private final String botName;
    private final String botId;
    private final String accountId;
    private final boolean includeText;
    private final Map<Endpoint, AgentAiCursor> cursors = new EnumMap<>(Endpoint.class);
    private final PageSizes pageSizes;

    private KoreClient(Builder b) {
        this.transport = new Transport(b.kore, b.bot, b.clock, b.sleeper, b.listener, b.requestLog);
        this.caller = new ApiCaller(transport, b.retries, b.sleeper, b.jitter, b.clock);
        this.botName = b.bot.name();
        this.botId = b.bot.id();
        this.accountId = b.bot.accountId();
        this.includeText = b.includeText;
        this.pageSizes = new PageSizes(b.clock);
    }

    /** A client for {@code bot}; by default it reports to no listener and leaves message text out. */
    public static Builder builder(ExporterConfig.Kore kore, ExporterConfig.Bot bot, Clock clock) {
        return new Builder(kore, bot, clock);
    }

    /**
     * One request's answer, as {@code doctor} reads it: the HTTP status (0 when none arrived), the page (null
     * unless a readable 2xx), one line saying what went wrong (null when nothing did: Kore.ai's own message when it
     * sent one, never the token), Kore.ai's {@code Date} header (null without a readable one), and when the request
     * was sent and answered (null when no answer arrived).
     */
    public record Answer<T>(int status, WirePage<T> page, String problem, Instant date, Instant sent,
                            Instant received) {
        public boolean ok() {
            return problem == null;
        }
    }

    /** The share of the bot's rate limit for {@code window} its requests in that window take, now. */
    public double budgetUsed(BudgetWindow window) {
        return transport.limiter().usedRatio(window);
    }

    @Override
    public <T extends KoreRecord> Iterable<Page<T>> pages(Listing<T> listing, Query query) {
        Iterable<PageAt<T>> pages = read(listing, query, ReadPosition.START);
        return () -> StreamSupport.stream(pages.spliterator(), false).map(PageAt::page).iterator();
    }

    @Override
    public <T extends KoreRecord> Iterable<PageAt<T>> read(Listing<T> listing, Query query, ReadPosition from) {
        return switch (listing.paging()) {
            case SKIP -> PagedListing.shrinking(WindowSplitter.split(query.window()), limit(listing, query), from,
                    (w, skip, limit) -> fetch(listing, query.in(w), skip, limit));
            case DAYS -> days(listing, query, from);
            case IDS -> byIds(listing, query, from);
        };
    }

    /** The page size of the stream {@code query} reads, kept smaller for a while after a timeout ({@link PageSizes}). */
    private PagedListing.Limit limit(Listing<?> listing, Query query) {
        Endpoint endpoint = listing.endpoint();
        return new PagedListing.Limit() {
            @Override
            public int current() {
                return pageSizes.limit(endpoint, query.channel(), listing.pageSize());
            }

            @Override
            public int timedOut(int asked) {
                return pageSizes.timedOut(endpoint, query.channel(), asked);
            }
        };
    }

    /** Whole UTC days, each read from the first page that can hold a record of the window ({@link AgentAiCursor}). */
    private <T extends KoreRecord> Iterable<PageAt<T>> days(Listing<T> listing, Query query, ReadPosition from) {
        AgentAiCursor cursor = cursor(listing.endpoint());
        return new PagedListing<>(WindowSplitter.splitDays(query.window()), PagedListing.Paging.PAGE_NUMBER,
                (days, page) -> {
                    WirePage<T> fetched = fetch(listing, query.in(days.window()), page, listing.pageSize());
                    cursor.observe(days, page, fetched.page(), fetched.more());
                    return fetched;
                }, days -> cursor.firstPage(days, query.window().from()), from);
    }

    private AgentAiCursor cursor(Endpoint endpoint) {
        synchronized (cursors) {
            return cursors.computeIfAbsent(endpoint, e -> new AgentAiCursor(botName, e));
        }
    }

    /** Lazy: each call is made when the iterator reaches it, so the caller counts one before the next is sent. */
    private <T extends KoreRecord> Iterable<PageAt<T>> byIds(Listing<T> listing, Query query, ReadPosition from) {
        List<Query> parts = new ArrayList<>();
        for (int i = 0; i < query.ids().size(); i += Listing.IDS_PER_REQUEST) {
            parts.add(query.slice(i, Math.min(i + Listing.IDS_PER_REQUEST, query.ids().size())));
        }
        return () -> IntStream.range(Math.min(from.part(), parts.size()), parts.size())
                .mapToObj(i -> new PageAt<>(fetch(listing, parts.get(i), 0, parts.get(i).ids().size()).page(),
                        new ReadPosition(i + 1, ReadPosition.FROM_START))).iterator();
    }

    /**
     * The Agent AI page cursors (README "How it reads Kore.ai"), by endpoint label, day and page, and the page sizes
     * kept smaller after timeouts.
     */
    @Override
    public Map<String, Long> pageHints() {
        Map<String, Long> hints = new HashMap<>(pageSizes.snapshot());
        synchronized (cursors) {
            cursors.forEach((endpoint, cursor) -> hints.putAll(cursor.snapshot(endpoint.label() + "|")));
        }
        return hints;
    }

    @Override
    public void restorePageHints(Map<String, Long> hints) {
        pageSizes.restore(hints);
        for (Endpoint endpoint : Endpoint.values()) {
            String prefix = endpoint.label() + "|";
            if (endpoint.agentAi() && hints.keySet().stream().anyMatch(k -> k.startsWith(prefix))) {
                cursor(endpoint).restore(prefix, hints);
            }
        }
    }

    private <T extends KoreRecord> WirePage<T> fetch(Listing<T> listing, Query part, int position, int limit) {
        Endpoint endpoint = listing.endpoint();
        // Read inside the caller's retry loop: the reader is what notices a body cut short.
        return caller.post(endpoint, endpoint.path(botId), headers(endpoint), listing.body().at(part, position, limit),
                body -> listing.reader().read(body, part.channel(), includeText));
    }

    /**
     * The first page of a read, asked for once, with no retries, as the tenant answers it: for {@code doctor}, which
     * must see what Kore.ai really says (a 404, a 400, a page size) and stay within a fixed number of requests.
     */
    public <T extends KoreRecord> Answer<T> first(Listing<T> listing, Query query) throws InterruptedException {
        Query part = switch (listing.paging()) {
            case SKIP -> query.in(WindowSplitter.split(query.window()).getFirst());
            case DAYS -> query.in(WindowSplitter.splitDays(query.window()).getFirst().window());
            case IDS -> query.slice(0, Math.min(query.ids().size(), Listing.IDS_PER_REQUEST));
        };
        Endpoint endpoint = listing.endpoint();
        Object body = listing.body().at(part, listing.paging() == Listing.Paging.DAYS ? 1 : 0, listing.pageSize());
        Transport.Response r;
        try {
            r = transport.send(endpoint, endpoint.path(botId), headers(endpoint), WireJson.write(body));
        } catch (KoreApiException.Interrupted e) {
            throw new InterruptedException("interrupted");
        } catch (KoreApiException.NoResponse e) {
            // The exception's own message may quote the URL, never the token; its class says enough.
            return new Answer<>(0, null, "no response from " + transport.host(endpoint) + " ("
                    + e.getCause().getClass().getSimpleName() + ")", null, null, null);
        } catch (KoreApiException e) {
            return new Answer<>(0, null, e.detail(), null, null, null);
        }
        if (!r.ok()) {
            String problem = r.redirectRefused() != null ? r.redirectRefused() : "HTTP " + r.status() + r.koreMessage(": ")
                    + (r.status() == 401 ? " (" + KoreApiException.Auth.likelyCauses(endpoint) + ")" : "");
            return new Answer<>(r.status(), null, problem, r.date(), r.sent(), r.received());
        }
        try {
            WirePage<T> page = r.read(bytes -> listing.reader().read(bytes, part.channel(), includeText));
            return new Answer<>(r.status(), page, null, r.date(), r.sent(), r.received());
        } catch (WireFormatException e) {
            return new Answer<>(r.status(), null, "HTTP " + r.status() + " but the body is unreadable ("
                    + e.getMessage() + ")", r.date(), r.sent(), r.received());
        }
    }

    /** Agent AI APIs are asked with the bot's account id. */
    private Map<String, String> headers(Endpoint endpoint) {
        if (!endpoint.agentAi()) {
            return Map.of();
        }
        if (accountId == null) {
            throw new IllegalStateException("bot " + botName + " has no account-id: Agent AI conversations need one");
        }
        return Map.of("accountId", accountId);
    }

    @Override
    public long answered() {
        return transport.answered();
    }

    @Override
    public Optional<Instant> serverTime() {
        return transport.serverClock().latest();
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "KoreClient[bot=" + botName + "]";
    }

    /** How a client is made; only the config, the bot and the clock are required. */
    public static final class Builder {
        private final ExporterConfig.Kore kore;
        private final ExporterConfig.Bot bot;
        private final Clock clock;
        private ApiRequestListener listener = ApiRequestListener.NONE;
        private boolean includeText;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
        private RetryPolicy retries = RetryPolicy.DEFAULT;
        private RequestLog requestLog = RequestLog.NONE;

        private Builder(ExporterConfig.Kore kore, ExporterConfig.Bot bot, Clock clock) {
            this.kore = Objects.requireNonNull(kore, "kore");
            this.bot = Objects.requireNonNull(bot, "bot");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** Told about every request sent (the metrics count them). */
        public Builder listener(ApiRequestListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Copy message text into the model (the user opted in to text in spans). */
        public Builder includeText(boolean includeText) {
            this.includeText = includeText;
            return this;
        }

        /** How backoff and rate-limit waits are spent: tests on a manual clock advance that clock instead. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Uniform in [0, 1): the share of the backoff ceiling each wait takes. */
        public Builder jitter(DoubleSupplier jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        /** Where the rate limiter notes its requests, so that a restart knows them (default: nowhere). */
        public Builder requestLog(RequestLog requestLog) {
            this.requestLog = Objects.requireNonNull(requestLog, "requestLog");
            return this;
        }

        public Builder retries(RetryPolicy retries) {
            this.retries = Objects.requireNonNull(retries, "retries");
            return this;
        }

        public KoreClient build() {
            return new KoreClient(this);
        }
    }
}
