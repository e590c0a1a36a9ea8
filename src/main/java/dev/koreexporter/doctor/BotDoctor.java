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
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;
import dev.koreexporter.model.TimeWindow;
import dev.koreexporter.poll.Stream;
import dev.koreexporter.poll.Streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of one bot (README "First run against your tenant"): the first page of each of the bot's streams, as
 * the exporter would read them (the same {@link Streams}), through the same client with retries off: one getSessions
 * page, one page per channel (two when getMessagesV2 is missing), one page without a channel, one Agent AI page and
 * at most one lookup by id, so never more than {@link #MAX_REQUESTS}. Nothing is counted and no state is written.
 */
final class BotDoctor implements AutoCloseable {
    static final int MAX_REQUESTS = 14;
    /** Kore.ai refuses windows of 7 days or more. */
    private static final Duration MAX_WINDOW = Duration.ofDays(7).minusSeconds(1);

    private final ExporterConfig config;
    private final ExporterConfig.Bot bot;
    private final Streams streams;
    private final KoreClient client;
    private final Clock clock;
    private final Budget budget;
    private final PageTimeCheck pageTime = new PageTimeCheck();
    /** Assumption warnings by check name, each a list of findings joined into one line. */
    private final Map<String, List<String>> assumptions = new LinkedHashMap<>();
    private final Set<String> messageSessions = new LinkedHashSet<>();
    private int requests;
    private Instant now;
    private Instant from;
    /** getMessagesV2 answered 404: every channel is read with v1, as the exporter would. */
    private boolean v2Missing;

    BotDoctor(ExporterConfig config, ExporterConfig.Bot bot, Clock clock, Sleeper sleeper) {
        this.config = config;
        this.bot = bot;
        this.streams = Streams.of(bot, config.kore().messagesApi());
        this.client = KoreClient.builder(config.kore(), bot, clock).sleeper(sleeper)
                .listener((endpoint, code, duration) -> requests++).build();
        this.clock = clock;
        this.budget = new Budget(config.poll(), config.kore().rateLimit());
    }

    /** Every check name this bot reports, in report order (assumption warnings follow them). */
    List<String> checkNames() {
        List<String> names = new ArrayList<>(List.of("auth", streams.sessions().key()));
        streams.messages().forEach(s -> names.add(s.key()));
        names.add(ChannelsCheck.NAME);
        if (streams.conversations() != null) {
            names.add("agentai");
        }
        names.addAll(List.of("clock", "budget", PageTimeCheck.NAME));
        return names;
    }

    BotReport run() throws InterruptedException {
        now = clock.instant();
        Duration window = config.poll().backfill().compareTo(MAX_WINDOW) > 0 ? MAX_WINDOW : config.poll().backfill();
        from = now.minus(window);
        List<CheckResult> out = new ArrayList<>();
        Stream<Session> sessions = streams.sessions();
        KoreClient.Answer<Session> listing = ask(sessions.listings().getFirst(),
                sessions.query(new TimeWindow(from, now)));
        if (listing.status() < 200 || listing.status() >= 300) {
            out.add(CheckResult.fail("auth", "getSessions: " + listing.problem()));
            checkNames().stream().skip(1).forEach(n -> out.add(CheckResult.fail(n, "skipped: auth failed")));
            return new BotReport(bot.name(), out, requests);
        }
        out.add(CheckResult.ok("auth", "JWT accepted (getSessions answered " + listing.status() + ")"));
        int limit = sessions.listings().getFirst().pageSize();
        PageSummary summary = listing.ok() ? PageSummary.sessions(listing.page(), limit) : null;
        out.add(sessionsCheck(listing, summary, limit));
        for (Stream<Message> messages : streams.messages()) {
            out.add(messagesCheck(messages));
        }
        out.add(channelsCheck());
        if (streams.conversations() != null) {
            out.add(agentAiCheck(streams.conversations()));
        }
        if (summary != null) {
            activeSessions(listing.page().page().records(), summary);
        }
        out.add(ClockCheck.of(listing));
        out.add(budget.check());
        out.add(pageTime.check(config.kore().timeout()));
        assumptions.forEach((name, findings) -> out.add(CheckResult.warn(name, String.join("; ", findings))));
        return new BotReport(bot.name(), out, requests);
    }

    private CheckResult sessionsCheck(KoreClient.Answer<Session> listing, PageSummary p, int limit) {
        if (p == null) {
            budget.stream(streams.sessions(), 0, limit);
            return CheckResult.fail("sessions", "getSessions: " + listing.problem());
        }
        budget.stream(streams.sessions(), p.count(), p.capped() ? p.received() : limit);
        pageSizes("getSessions", p, "the exporter advances skip by what it receives, so counts stay exact at more"
                + " requests (the budget check counts pages of " + p.received() + ")");
        String pages = p.capped() ? "pages of " + p.received() + " (asked " + limit + ")"
                : p.more() ? "pages of " + limit : "all on one page (up to " + limit + ")";
        return CheckResult.ok("sessions", "getSessions answers: " + p.countText() + " sessions started in the last "
                + duration(from, now) + " (poll.backfill), " + p.active() + " active on the first page; " + pages);
    }

    /** The stream's listings in turn, the next only after a 404 of the one before, as the exporter reads them. */
    private CheckResult messagesCheck(Stream<Message> stream) throws InterruptedException {
        String check = stream.key();
        String prefix = "";
        for (Listing<Message> listing : stream.listings()) {
            boolean last = listing == stream.listings().getLast();
            String endpoint = listing.endpoint().label();
            if (v2Missing && listing.endpoint() == Endpoint.GET_MESSAGES_V2 && !last) {
                prefix = notAvailable();
                continue;
            }
            if (spent()) {
                return prefix.isEmpty() ? skipped(check) : CheckResult.warn(check, prefix + endpoint
                        + " not checked: doctor's limit of " + MAX_REQUESTS + " requests for this bot reached");
            }
            KoreClient.Answer<Message> answer = ask(listing, stream.query(new TimeWindow(from, now)));
            if (answer.status() == 404 && listing.endpoint() == Endpoint.GET_MESSAGES_V2) {
                if (!last) {
                    v2Missing = true;
                    prefix = notAvailable();
                    continue;
                }
                budget.stream(stream, 0, listing.pageSize());
                return CheckResult.fail(check, endpoint + ": " + answer.problem()
                        + " (not on this tenant?): set kore.messages-api to auto or v1");
            }
            return messagesResult(stream, listing, answer, prefix);
        }
        throw new IllegalStateException("stream " + check + " reads no listing");
    }

    private static String notAvailable() {
        return "getMessagesV2 not available, the exporter will use " + MessagesApi.V1.wireName() + "; ";
    }

    private CheckResult messagesResult(Stream<Message> stream, Listing<Message> listing,
                                       KoreClient.Answer<Message> answer, String prefix) {
        String check = stream.key();
        String endpoint = listing.endpoint().label();
        if (!answer.ok()) {
            budget.stream(stream, 0, listing.pageSize());
            return CheckResult.fail(check, prefix + endpoint + ": " + answer.problem());
        }
        PageSummary p = PageSummary.messages(answer.page(), listing.pageSize());
        budget.stream(stream, p.count(), p.capped() ? p.received() : listing.pageSize());
        messageSessions.addAll(p.sessionIds());
        Set<String> others = new LinkedHashSet<>(p.channels());
        others.remove(stream.channel());
        if (!others.isEmpty()) {
            assume("assumption:channel-filter", endpoint + " with channelType " + stream.channel() + " also returned"
                    + " messages of " + String.join(", ", others) + ": the exporter counts each message once per bot,"
                    + " under the channel its record names");
        }
        if (p.ascending() != 1) {
            assume("assumption:ordering", endpoint + " pages for " + stream.channel() + " are not oldest first"
                    + " although forward: true was asked: counts are unaffected, as every page of a window is read"
                    + " and records are de-duplicated by id");
        }
        pageSizes(endpoint, p, "the exporter advances skip by what it receives, so counts stay exact at more"
                + " requests (the budget check counts pages of " + p.received() + ")");
        String found = endpoint + ": " + p.countText() + " messages in the last " + duration(from, now);
        if (p.count() == 0) {
            return CheckResult.warn(check, prefix + found + ": is channelType " + stream.channel()
                    + " right, and does this channel carry traffic?");
        }
        String latency = p.withLatency() + " of " + p.outgoing() + " outgoing on the first page with a latency object";
        if (p.withLatency() == 0) {
            return CheckResult.warn(check, prefix + found + ", but " + latency
                    + ": the latency histograms and turn spans stay empty for this channel");
        }
        return new CheckResult(check, prefix.isEmpty() ? Status.OK : Status.WARN, prefix + found + ", " + latency);
    }

    /** One page of the messages listing the exporter reads, without a channel (README, the channels check). */
    private CheckResult channelsCheck() throws InterruptedException {
        if (spent()) {
            return skipped(ChannelsCheck.NAME);
        }
        List<Listing<Message>> listings = streams.messages().getFirst().listings();
        Listing<Message> listing = v2Missing ? listings.getLast() : listings.getFirst();
        KoreClient.Answer<Message> answer = ask(listing, Query.of(new TimeWindow(from, now)));
        return ChannelsCheck.of(listing.endpoint().label(), duration(from, now), answer, bot.channels());
    }

    private CheckResult agentAiCheck(Stream<AgentAiConversation> stream) throws InterruptedException {
        if (spent()) {
            return skipped("agentai");
        }
        // Whole UTC days, at most 7 up to today: one request.
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!first.isAfter(last.minusDays(7))) {
            first = last.minusDays(6);
        }
        Listing<AgentAiConversation> listing = stream.listings().getFirst();
        KoreClient.Answer<AgentAiConversation> answer = ask(listing,
                stream.query(new TimeWindow(first.atStartOfDay(ZoneOffset.UTC).toInstant(), now)));
        if (!answer.ok()) {
            budget.stream(stream, 0, listing.pageSize());
            return CheckResult.fail("agentai", "aaconversation: " + answer.problem());
        }
        PageSummary p = PageSummary.conversations(answer.page(), listing.pageSize());
        budget.stream(stream, p.count(), p.capped() ? p.received() : listing.pageSize());
        if (p.ascending() != 1) {
            assume("assumption:ordering", "aaconversation pages are not oldest first: the exporter then reads every"
                    + " Agent AI day from page 1 (exact, at more requests)");
        }
        pageSizes("aaconversation", p, "the exporter pages on until hasMore is false, so counts stay exact");
        String days = first.equals(last) ? first.toString() : first + ".." + last;
        return CheckResult.ok("agentai", "aaconversation answers: " + p.countText() + " conversations on " + days
                + " (UTC days)");
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
