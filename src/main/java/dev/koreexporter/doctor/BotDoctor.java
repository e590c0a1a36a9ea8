package dev.koreexporter.doctor;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.Query;
import dev.koreexporter.kore.Sleeper;
import dev.koreexporter.kore.Ticker;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.poll.Stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of one bot (README "First run against your tenant"): the first page of each of the bot's streams, the
 * streams the daemon reads ({@link Stream#all}), through the same client with retries off, the listings in the order
 * the exporter reads them. Every stream is checked alike (its count, the page size served, its share of the budget);
 * sessions, messages and Agent AI add what only they show. After the last messages stream, one messages page without
 * a channel; after every stream, at most one lookup of sessions by id: never more than {@link #MAX_REQUESTS}
 * requests. Nothing is counted and no state is written.
 */
final class BotDoctor implements AutoCloseable {
    static final int MAX_REQUESTS = 14;
    /** Kore.ai refuses windows of 7 days or more. */
    private static final Duration MAX_WINDOW = Duration.ofDays(7).minusSeconds(1);

    private final ExporterConfig config;
    private final ExporterConfig.Bot bot;
    private final List<Stream<?>> streams;
    private final KoreClient client;
    private final Clock clock;
    private final Budget budget;
    private final PageTimeCheck pageTime = new PageTimeCheck();
    /** Assumption warnings by check name, each a list of findings joined into one line. */
    private final Map<String, List<String>> assumptions = new LinkedHashMap<>();
    private final Set<String> messageSessions = new LinkedHashSet<>();
    /** Endpoints that answered 404: a stream reads its next listing instead, as the exporter would. */
    private final Set<Endpoint> missing = EnumSet.noneOf(Endpoint.class);
    private List<Session> listedSessions = List.of();
    private PageSummary sessionsSummary;
    private int requests;
    private Instant now;
    private Instant from;

    BotDoctor(ExporterConfig config, ExporterConfig.Bot bot, Clock clock, Sleeper sleeper) {
        this(config, bot, Stream.all(bot, config.kore().messagesApi()), clock, sleeper);
    }

    /** Checks {@code streams}, the first of which (the daemon's: sessions) also shows whether the JWT is accepted. */
    BotDoctor(ExporterConfig config, ExporterConfig.Bot bot, List<Stream<?>> streams, Clock clock, Sleeper sleeper) {
        this.config = config;
        this.bot = bot;
        this.streams = List.copyOf(streams);
        this.client = KoreClient.builder(config.kore(), bot, clock).sleeper(sleeper)
                .listener((endpoint, code, duration) -> requests++).build();
        this.clock = clock;
        this.budget = new Budget(config.poll(), config.kore().rateLimit());
    }

    /** Every check name this bot reports, in report order (assumption warnings follow them). */
    List<String> checkNames() {
        List<String> names = new ArrayList<>(List.of("auth"));
        for (int i = 0; i < streams.size(); i++) {
            names.add(streams.get(i).check());
            if (channelsCheckFollows(i)) {
                names.add(ChannelsCheck.NAME);
            }
        }
        names.addAll(List.of("clock", "budget", PageTimeCheck.NAME));
        return names;
    }

    /** The channels check follows the last messages stream, and asks its listing. */
    private boolean channelsCheckFollows(int i) {
        return messages(streams.get(i)) && (i + 1 == streams.size() || !messages(streams.get(i + 1)));
    }

    private static boolean messages(Stream<?> stream) {
        return stream.kind().label() == RecordKind.MESSAGE;
    }

    BotReport run() throws InterruptedException {
        now = clock.instant();
        Duration window = config.poll().backfill().compareTo(MAX_WINDOW) > 0 ? MAX_WINDOW : config.poll().backfill();
        from = now.minus(window);
        List<CheckResult> out = new ArrayList<>();
        FirstPage<?> first = firstPage(streams.getFirst());
        KoreClient.Answer<?> auth = first.answer();
        String endpoint = first.listing().endpoint().label();
        if (auth.status() < 200 || auth.status() >= 300) {
            out.add(CheckResult.fail("auth", endpoint + ": " + auth.problem()));
            checkNames().stream().skip(1).forEach(n -> out.add(CheckResult.fail(n, "skipped: auth failed")));
            return new BotReport(bot.name(), out, requests);
        }
        out.add(CheckResult.ok("auth", "JWT accepted (" + endpoint + " answered " + auth.status() + ")"));
        for (int i = 0; i < streams.size(); i++) {
            out.add(streamCheck(i == 0 ? first : firstPage(streams.get(i))));
            if (channelsCheckFollows(i)) {
                out.add(channelsCheck(streams.get(i)));
            }
        }
        if (sessionsSummary != null) {
            activeSessions(listedSessions, sessionsSummary);
        }
        out.add(ClockCheck.of(auth));
        out.add(budget.check());
        out.add(pageTime.check(config.kore().timeout()));
        assumptions.forEach((name, findings) -> out.add(CheckResult.warn(name, String.join("; ", findings))));
        return new BotReport(bot.name(), out, requests);
    }

    /**
     * The first page of {@code stream} as the exporter reads it: its listings in turn, the next only after a 404 of
     * the one before (remembered for the bot's other streams). The answer is null when doctor's request limit came
     * first.
     *
     * @param prefix what the check says first: which endpoint is not available, or nothing
     */
    private record FirstPage<T extends KoreRecord>(Stream<T> stream, Listing<T> listing, KoreClient.Answer<T> answer,
                                                   TimeWindow window, String prefix) {
    }

    private <T extends KoreRecord> FirstPage<T> firstPage(Stream<T> stream) throws InterruptedException {
        String prefix = "";
        List<Listing<T>> listings = stream.listings();
        for (int i = 0; i < listings.size(); i++) {
            Listing<T> listing = listings.get(i);
            boolean last = i == listings.size() - 1;
            TimeWindow window = window(listing);
            if (missing.contains(listing.endpoint()) && !last) {
                prefix = notAvailable(listing, listings.get(i + 1));
                continue;
            }
            if (spent()) {
                return new FirstPage<>(stream, listing, null, window, prefix);
            }
            KoreClient.Answer<T> answer = ask(listing, stream.query(window));
            if (answer.status() == 404 && !last) {
                missing.add(listing.endpoint());
                prefix = notAvailable(listing, listings.get(i + 1));
                continue;
            }
            return new FirstPage<>(stream, listing, answer, window, prefix);
        }
        throw new IllegalStateException("stream " + stream.key() + " reads no listing");
    }

    /** {@code poll.backfill} up to now; whole UTC days, at most 7 up to today, for a listing read by day (one request). */
    private TimeWindow window(Listing<?> listing) {
        if (listing.paging() != Listing.Paging.DAYS) {
            return new TimeWindow(from, now);
        }
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!first.isAfter(last.minusDays(7))) {
            first = last.minusDays(6);
        }
        return new TimeWindow(first.atStartOfDay(ZoneOffset.UTC).toInstant(), now);
    }

    private static String notAvailable(Listing<?> listing, Listing<?> next) {
        // kore.messages-api names getMessages "v1".
        String instead = next.endpoint() == Endpoint.GET_MESSAGES ? MessagesApi.V1.wireName() : next.endpoint().label();
        return listing.endpoint().label() + " not available, the exporter will use " + instead + "; ";
    }

    /** What every stream's check says (its count, the page size served, the budget), then what its kind adds. */
    private CheckResult streamCheck(FirstPage<?> read) {
        String check = read.stream().check();
        String endpoint = read.listing().endpoint().label();
        int limit = read.listing().pageSize();
        if (read.answer() == null) {
            return read.prefix().isEmpty() ? skipped(check) : CheckResult.warn(check, read.prefix() + endpoint
                    + " not checked: doctor's limit of " + MAX_REQUESTS + " requests for this bot reached");
        }
        if (!read.answer().ok()) {
            budget.stream(read.stream(), 0, limit);
            String hint = read.answer().status() == 404 && read.listing().endpoint() == Endpoint.GET_MESSAGES_V2
                    ? " (not on this tenant?): set kore.messages-api to auto or v1" : "";
            return CheckResult.fail(check, read.prefix() + endpoint + ": " + read.answer().problem() + hint);
        }
        PageSummary p = PageSummary.of(read.answer().page(), limit);
        budget.stream(read.stream(), p.count(), p.capped() ? p.received() : limit);
        CheckResult result = switch (read.stream().kind().label()) {
            case SESSION -> sessionsResult(read, p);
            case MESSAGE -> messagesResult(read, p);
            case CONVERSATION -> agentAiResult(read, p);
            default -> CheckResult.ok(check, read.prefix() + endpoint + " answers: " + p.countText() + " records in the"
                    + " last " + duration(read.window().from(), now));
        };
        pageSizes(endpoint, p, read.listing().paging() == Listing.Paging.DAYS
                ? "the exporter pages on until hasMore is false, so counts stay exact"
                : "the exporter advances skip by what it receives, so counts stay exact at more requests (the budget"
                        + " check counts pages of " + p.received() + ")");
        return result;
    }

    private CheckResult sessionsResult(FirstPage<?> read, PageSummary p) {
        listedSessions = read.answer().page().page().records().stream()
                .filter(Session.class::isInstance).map(Session.class::cast).toList();
        sessionsSummary = p;
        int limit = read.listing().pageSize();
        String pages = p.capped() ? "pages of " + p.received() + " (asked " + limit + ")"
                : p.more() ? "pages of " + limit : "all on one page (up to " + limit + ")";
        return CheckResult.ok(read.stream().check(), read.prefix() + read.listing().endpoint().label() + " answers: "
                + p.countText() + " sessions started in the last " + duration(from, now) + " (poll.backfill), "
                + p.active() + " active on the first page; " + pages);
    }

    private CheckResult messagesResult(FirstPage<?> read, PageSummary p) {
        String check = read.stream().check();
        String channel = read.stream().channel();
        String endpoint = read.listing().endpoint().label();
        String prefix = read.prefix();
        messageSessions.addAll(p.sessionIds());
        Set<String> others = new LinkedHashSet<>(p.channels());
        others.remove(channel);
        if (!others.isEmpty()) {
            assume("assumption:channel-filter", endpoint + " with channelType " + channel + " also returned"
                    + " messages of " + String.join(", ", others) + ": the exporter counts each message once per bot,"
                    + " under the channel its record names");
        }
        if (p.ascending() != 1) {
            assume("assumption:ordering", endpoint + " pages for " + channel + " are not oldest first"
                    + " although forward: true was asked: counts are unaffected, as every page of a window is read"
                    + " and records are de-duplicated by id");
        }
        String found = endpoint + ": " + p.countText() + " messages in the last " + duration(from, now);
        if (p.count() == 0) {
            return CheckResult.warn(check, prefix + found + ": is channelType " + channel
                    + " right, and does this channel carry traffic?");
        }
        String latency = p.withLatency() + " of " + p.outgoing() + " outgoing on the first page with a latency object";
        if (p.withLatency() == 0) {
            return CheckResult.warn(check, prefix + found + ", but " + latency
                    + ": the latency histograms and turn spans stay empty for this channel");
        }
        return new CheckResult(check, prefix.isEmpty() ? Status.OK : Status.WARN, prefix + found + ", " + latency);
    }

    private CheckResult agentAiResult(FirstPage<?> read, PageSummary p) {
        String endpoint = read.listing().endpoint().label();
        if (p.ascending() != 1) {
            assume("assumption:ordering", endpoint + " pages are not oldest first: the exporter then reads every"
                    + " Agent AI day from page 1 (exact, at more requests)");
        }
        LocalDate first = LocalDate.ofInstant(read.window().from(), ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(now, ZoneOffset.UTC);
        String days = first.equals(last) ? first.toString() : first + ".." + last;
        return CheckResult.ok(read.stream().check(), read.prefix() + endpoint + " answers: " + p.countText()
                + " conversations on " + days + " (UTC days)");
    }

    /** One page of the listing the messages stream {@code stream} reads, without a channel (README, the channels check). */
    private <T extends KoreRecord> CheckResult channelsCheck(Stream<T> stream) throws InterruptedException {
        if (spent()) {
            return skipped(ChannelsCheck.NAME);
        }
        Listing<T> listing = stream.listings().stream().filter(l -> !missing.contains(l.endpoint())).findFirst()
                .orElse(stream.listings().getLast());
        KoreClient.Answer<?> answer = ask(listing, Query.of(new TimeWindow(from, now)));
        return ChannelsCheck.of(listing.endpoint().label(), duration(from, now), answer, bot.channels());
    }

    private void pageSizes(String endpoint, PageSummary p, String consequence) {
        if (p.capped()) {
            assume("assumption:page-sizes", endpoint + " served " + p.received() + " of the " + p.limit()
                    + " asked while more follow: " + consequence);
        }
    }

    private void activeSessions(List<Session> listed, PageSummary p) throws InterruptedException {
        if (p.active() > 0 || messageSessions.isEmpty() || spent()) {
            return;
        }
        KoreClient.Answer<Session> answer = ask(Listing.SESSIONS_BY_ID, Query.ids(messageSessions));
        if (!answer.ok()) {
            return;
        }
        int missing = ActiveSessions.leftOut(listed, p, answer.page().page().records(), from, now);
        if (missing > 0) {
            assume("assumption:active-sessions", "getSessions without containmentType left out " + missing
                    + " active session(s) that a lookup by id shows: the exporter does not need them listed, it"
                    + " re-reads sessions by start time over poll.session-horizon ("
                    + duration(Duration.ZERO, config.poll().sessionHorizon()) + ") and counts each once it is listed"
                    + " closed; a session reported closed later than that after its start is not counted");
        }
    }

    /**
     * One request, timed for the page-time check by the monotonic clock: what it took for real, whatever clock the
     * windows are dated by.
     */
    private <T extends KoreRecord> KoreClient.Answer<T> ask(Listing<T> listing, Query query)
            throws InterruptedException {
        long started = Ticker.SYSTEM.nanos();
        try {
            return client.first(listing, query);
        } finally {
            pageTime.request(listing.endpoint(), Duration.ofNanos(Ticker.SYSTEM.nanos() - started));
        }
    }

    private boolean spent() {
        return requests >= MAX_REQUESTS;
    }

    private static CheckResult skipped(String check) {
        return CheckResult.warn(check, "skipped: doctor's limit of " + MAX_REQUESTS + " requests for this bot reached");
    }

    private void assume(String check, String finding) {
        assumptions.computeIfAbsent(check, k -> new ArrayList<>()).add(finding);
    }

    private static String duration(Instant a, Instant b) {
        return duration(Duration.ZERO, Duration.between(a, b));
    }

    /** {@code 1h}, {@code 20m}, {@code 30s}, {@code 1500ms}: how the config spells it. */
    static String duration(Duration zero, Duration d) {
        Duration v = d.minus(zero);
        long ms = v.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    @Override
    public void close() {
        client.close();
    }
}
