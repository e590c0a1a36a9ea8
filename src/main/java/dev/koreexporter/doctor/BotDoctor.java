package dev.koreexporter.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreProbe;
import dev.koreexporter.kore.dto.Requests;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of one bot (README "First run against your tenant"): one getSessions page, one page per channel
 * (two when getMessagesV2 is missing), one Agent AI page and at most one lookup by id, so never more than
 * {@link #MAX_REQUESTS}. Nothing is counted and no state is written.
 */
final class BotDoctor {
    static final int MAX_REQUESTS = 12;
    static final int SESSIONS_LIMIT = 100;
    static final int V1_LIMIT = 100;
    static final int V2_LIMIT = 10_000;
    static final int AGENT_AI_LIMIT = 20;
    static final int IDS_PER_LOOKUP = 50;
    static final Duration MAX_SKEW = Duration.ofSeconds(30);
    /** Kore.ai refuses windows of 7 days or more. */
    private static final Duration MAX_WINDOW = Duration.ofDays(7).minusSeconds(1);
    private static final DateTimeFormatter WIRE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ExporterConfig config;
    private final ExporterConfig.Bot bot;
    private final KoreProbe probe;
    private final Clock clock;
    private final Budget budget;
    /** Assumption warnings by check name, each a list of findings joined into one line. */
    private final Map<String, List<String>> assumptions = new LinkedHashMap<>();
    private final Set<String> messageSessions = new LinkedHashSet<>();
    private Instant now;
    private Instant from;
    private boolean v2Missing;

    BotDoctor(ExporterConfig config, ExporterConfig.Bot bot, KoreProbe probe, Clock clock) {
        this.config = config;
        this.bot = bot;
        this.probe = probe;
        this.clock = clock;
        this.budget = new Budget(config.poll().interval(), config.poll().lookback(), config.poll().backfill(),
                config.poll().sweepInterval());
    }

    /** Every check name this bot reports, in report order (assumption warnings follow them). */
    static List<String> checkNames(ExporterConfig.Bot bot) {
        List<String> names = new ArrayList<>(List.of("auth", "sessions"));
        bot.channels().forEach(c -> names.add("messages:" + c));
        if (bot.accountId() != null) {
            names.add("agentai");
        }
        names.addAll(List.of("clock", "budget"));
        return names;
    }

    BotReport run() throws InterruptedException {
        now = clock.instant();
        Duration window = config.poll().backfill().compareTo(MAX_WINDOW) > 0 ? MAX_WINDOW : config.poll().backfill();
        from = now.minus(window);
        List<CheckResult> out = new ArrayList<>();
        KoreProbe.Answer listing = probe.bot(Endpoint.GET_SESSIONS, "",
                new Requests.Sessions(wire(from), wire(now), 0, SESSIONS_LIMIT));
        if (listing.status() < 200 || listing.status() >= 300) {
            out.add(CheckResult.fail("auth", "getSessions: " + listing.problem()));
            checkNames(bot).stream().skip(1).forEach(n -> out.add(CheckResult.fail(n, "skipped: auth failed")));
            return new BotReport(bot.name(), out, probe.requests());
        }
        out.add(CheckResult.ok("auth", "JWT accepted (getSessions answered " + listing.status() + ")"));
        PageSummary sessions = listing.ok() ? PageSummary.sessions(listing.json(), SESSIONS_LIMIT) : null;
        out.add(sessionsCheck(listing, sessions));
        for (String channel : bot.channels()) {
            out.add(messagesCheck(channel));
        }
        if (bot.accountId() != null) {
            out.add(agentAiCheck());
        }
        if (sessions != null) {
            activeSessions(listing.json(), sessions);
        }
        out.add(clockCheck(listing));
        out.add(budgetCheck());
        assumptions.forEach((name, findings) -> out.add(CheckResult.warn(name, String.join("; ", findings))));
        return new BotReport(bot.name(), out, probe.requests());
    }

    private CheckResult sessionsCheck(KoreProbe.Answer listing, PageSummary p) {
        if (p == null) {
            budget.stream(0, SESSIONS_LIMIT);
            return CheckResult.fail("sessions", "getSessions: " + listing.problem());
        }
        budget.stream(p.count(), p.capped() ? p.received() : SESSIONS_LIMIT);
        if (p.capped()) {
            assume("assumption:page-sizes", "getSessions served " + p.received() + " of the " + SESSIONS_LIMIT
                    + " asked while more follow: the exporter advances skip by what it receives, so counts stay"
                    + " exact at more requests (the budget check counts pages of " + p.received() + ")");
        }
        String pages = p.capped() ? "pages of " + p.received() + " (asked " + SESSIONS_LIMIT + ")"
                : p.more() ? "pages of " + SESSIONS_LIMIT : "all on one page (up to " + SESSIONS_LIMIT + ")";
        return CheckResult.ok("sessions", "getSessions answers: " + p.countText() + " sessions started in the last "
                + duration(from, now) + " (poll.backfill), " + p.active() + " active on the first page; " + pages);
    }

    private CheckResult messagesCheck(String channel) throws InterruptedException {
        String check = "messages:" + channel;
        MessagesApi mode = config.kore().messagesApi();
        String prefix = v2Missing ? "getMessagesV2 not available, the exporter will use v1; " : "";
        KoreProbe.Answer answer = null;
        boolean v1 = mode == MessagesApi.V1 || v2Missing;
        if (!v1) {
            if (spent()) {
                return skipped(check);
            }
            answer = probe.bot(Endpoint.GET_MESSAGES_V2, "", request(channel, V2_LIMIT));
            if (answer.status() == 404 && mode == MessagesApi.AUTO) {
                v2Missing = true;
                v1 = true;
                prefix = "getMessagesV2 not available, the exporter will use v1; ";
            } else if (answer.status() == 404) {
                budget.stream(0, V2_LIMIT);
                return CheckResult.fail(check, "getMessagesV2: " + answer.problem()
                        + " (not on this tenant?): set kore.messages-api to auto or v1");
            }
        }
        if (v1) {
            if (spent()) {
                return prefix.isEmpty() ? skipped(check) : CheckResult.warn(check, prefix + "getMessages not checked: "
                        + "doctor's limit of " + MAX_REQUESTS + " requests for this bot reached");
            }
            answer = probe.bot(Endpoint.GET_MESSAGES, "", request(channel, V1_LIMIT));
        }
        String endpoint = v1 ? "getMessages" : "getMessagesV2";
        int limit = v1 ? V1_LIMIT : V2_LIMIT;
        if (!answer.ok()) {
            budget.stream(0, limit);
            return CheckResult.fail(check, prefix + endpoint + ": " + answer.problem());
        }
        PageSummary p = PageSummary.messages(answer.json(), limit);
        budget.stream(p.count(), p.capped() ? p.received() : limit);
        messageSessions.addAll(p.sessionIds());
        observeMessagePage(channel, endpoint, p);
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

    private void observeMessagePage(String channel, String endpoint, PageSummary p) {
        Set<String> others = new LinkedHashSet<>(p.channels());
        others.remove(channel);
        if (!others.isEmpty()) {
            assume("assumption:channel-filter", endpoint + " with channelType " + channel + " also returned messages of "
                    + String.join(", ", others) + ": the exporter counts each message once per bot, under the"
                    + " channel its record names");
        }
        if (p.ascending() != 1) {
            assume("assumption:ordering", endpoint + " pages for " + channel + " are not oldest first although"
                    + " forward: true was asked: counts are unaffected, as every page of a window is read and"
                    + " records are de-duplicated by id");
        }
        if (p.capped()) {
            assume("assumption:page-sizes", endpoint + " served " + p.received() + " of the " + p.limit()
                    + " asked while more follow: the exporter advances skip by what it receives, so counts stay"
                    + " exact at more requests (the budget check counts pages of " + p.received() + ")");
        }
    }

    private Requests.Messages request(String channel, int limit) {
        return new Requests.Messages(wire(from), wire(now), channel, true, true, 0, limit, List.of(), null);
    }

    private CheckResult agentAiCheck() throws InterruptedException {
        if (spent()) {
            return skipped("agentai");
        }
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!first.isAfter(last.minusDays(7))) {
            first = last.minusDays(6);
        }
        KoreProbe.Answer answer = probe.agentAi(bot.accountId(),
                new Requests.Conversations(first.toString(), last.toString(), 1, AGENT_AI_LIMIT, false));
        if (!answer.ok()) {
            budget.stream(0, AGENT_AI_LIMIT);
            return CheckResult.fail("agentai", "aaconversation: " + answer.problem());
        }
        PageSummary p = PageSummary.conversations(answer.json(), AGENT_AI_LIMIT);
        budget.stream(p.count(), p.capped() ? p.received() : AGENT_AI_LIMIT);
        if (p.ascending() != 1) {
            assume("assumption:ordering", "aaconversation pages are not oldest first: the exporter then reads every"
                    + " Agent AI day from page 1 (exact, at more requests)");
        }
        if (p.capped()) {
            assume("assumption:page-sizes", "aaconversation served " + p.received() + " of the " + AGENT_AI_LIMIT
                    + " asked while more follow: the exporter pages on until hasMore is false, so counts stay exact");
        }
        String days = first.equals(last) ? first.toString() : first + ".." + last;
        return CheckResult.ok("agentai", "aaconversation answers: " + p.countText() + " conversations on " + days
                + " (UTC days)");
    }

    private void activeSessions(JsonNode listing, PageSummary p) throws InterruptedException {
        if (p.active() > 0 || messageSessions.isEmpty() || spent()) {
            return;
        }
        List<String> ids = messageSessions.stream().limit(IDS_PER_LOOKUP).toList();
        KoreProbe.Answer answer = probe.bot(Endpoint.GET_SESSIONS, "", new Requests.SessionIds(ids));
        if (!answer.ok()) {
            return;
        }
        int missing = ActiveSessions.leftOut(listing, p, answer.json(), from, now);
        if (missing > 0) {
            assume("assumption:active-sessions", "getSessions without containmentType left out " + missing
                    + " active session(s) that a lookup by id shows: the exporter then sees a session only once it"
                    + " is listed closed, so a session closing more than poll.lookback ("
                    + duration(Duration.ZERO, config.poll().lookback()) + ") after its start is never counted;"
                    + " keep poll.lookback above your longest sessions");
        }
    }

    private CheckResult clockCheck(KoreProbe.Answer first) {
        if (first.date() == null) {
            return CheckResult.warn("clock", "Kore.ai sent no readable Date header: the skew is unknown");
        }
        Instant local = first.sent().plus(Duration.between(first.sent(), first.received()).dividedBy(2));
        Duration skew = Duration.between(local, first.date());
        long seconds = Math.abs(skew.toSeconds());
        String direction = skew.isNegative() ? "behind" : "ahead of";
        if (skew.abs().compareTo(MAX_SKEW) > 0) {
            return CheckResult.warn("clock", "Kore.ai's clock is " + seconds + " s " + direction + " this host's:"
                    + " the exporter's windows follow this host's clock, so sync it (NTP); until then records"
                    + " land that much later or earlier than poll.lookback allows for");
        }
        return CheckResult.ok("clock", "Kore.ai's clock is within " + Math.max(1, seconds) + " s of this host's"
                + " (Date header, 1 s resolution)");
    }

    private CheckResult budgetCheck() {
        long perHour = budget.perHour();
        int limit = config.kore().rateLimit().perHour();
        long percent = Math.round(100.0 * perHour / limit);
        String detail = "about " + perHour + " requests/h for the traffic seen at poll.interval "
                + duration(Duration.ZERO, config.poll().interval()) + ": " + percent
                + " % of kore.rate-limit.per-hour (" + limit + ")";
        if (perHour > limit) {
            return CheckResult.fail("budget", detail + ": the exporter would fall behind; raise poll.interval");
        }
        if (perHour * 2 > limit) {
            return CheckResult.warn("budget", detail + ": little is left for other integrations of this bot");
        }
        return CheckResult.ok("budget", detail);
    }

    private boolean spent() {
        return probe.requests() >= MAX_REQUESTS;
    }

    private static CheckResult skipped(String check) {
        return CheckResult.warn(check, "skipped: doctor's limit of " + MAX_REQUESTS + " requests for this bot reached");
    }

    private void assume(String check, String finding) {
        assumptions.computeIfAbsent(check, k -> new ArrayList<>()).add(finding);
    }

    private static String wire(Instant t) {
        return WIRE_TIME.format(t);
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
}
