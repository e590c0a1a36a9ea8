package dev.koreexporter.http;

import dev.koreexporter.metrics.BotFigures;
import dev.koreexporter.poll.BotStatus;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /}: what a person needs to see whether the exporter works, per bot (README, "Status page"). State,
 * last success and last error come from the pollers' {@link BotStatus}, the figures from where they live (the
 * poller, its rate limiter, the bot's series: {@link BotFigures}), each by one route.
 */
public final class StatusPage implements HttpService {
    private static final Logger LOG = Logger.getLogger(StatusPage.class.getName());
    private static final List<String> CONTAINMENT_ORDER = List.of("selfService", "dropOff", "agent");

    private final String version;
    private final Supplier<List<BotStatus>> bots;
    private final BotFigures.Source figures;
    private final Clock clock;
    private final TurnHistory history = new TurnHistory();
    private ScheduledExecutorService sampler;

    public StatusPage(String version, Supplier<List<BotStatus>> bots, BotFigures.Source figures, Clock clock) {
        this.version = version;
        this.bots = bots;
        this.figures = figures;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::page);
    }

    /**
     * Samples once a minute while serving, not only when the page is viewed: the first look after an hour
     * of running then shows a full 15-minute window. A sample sums two histograms per bot, so this costs next
     * to nothing. The clock still decides what is due, so tests can drive it.
     */
    @Override
    public void beforeStart() {
        sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("status-sampler").daemon(true).factory());
        sampler.scheduleAtFixedRate(this::sampleQuietly, 0, TurnHistory.SPACING.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void afterStop() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    private void page(ServerRequest req, ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(html());
    }

    /** The page as served now (also samples, when a sample is due). */
    String html() {
        Instant now = clock.instant();
        return StatusHtml.render(version, now, rows(now));
    }

    List<BotRow> rows(Instant now) {
        List<BotRow> rows = new ArrayList<>();
        for (BotStatus s : bots.get()) {
            BotFigures f = figures.figures(s.bot());
            TurnHistory.Sample current = new TurnHistory.Sample(now, f.turns(), f.recordDelay());
            offer(s, current);
            rows.add(row(s, f, history.window(s.bot(), current)));
        }
        return rows;
    }

    private void sampleQuietly() {
        try {
            rows(clock.instant());
        } catch (RuntimeException e) {
            // A metric callback that throws must not stop the sampling; the page shows what it can.
            LOG.log(Level.FINE, "status page sample failed", e);
        }
    }

    /** Not before the first cycle: the backfill would count an hour of history as one minute's turns. */
    private void offer(BotStatus s, TurnHistory.Sample sample) {
        if (s.cyclesCompleted() > 0) {
            history.offer(s.bot(), sample);
        }
    }

    private static BotRow row(BotStatus s, BotFigures f, Optional<TurnHistory.Window> window) {
        BotState state = BotState.of(s);
        String detail = s.mode() == BotStatus.Mode.STANDBY ? "standby: another process polls it"
                : s.mode() == BotStatus.Mode.STOPPED ? "not polled: see the error"
                : state == BotState.FAILING && s.lastCycleOk() ? "checkpoint not written"
                : s.cyclesCompleted() > 0 ? s.cyclesCompleted() + (s.cyclesCompleted() == 1 ? " cycle" : " cycles")
                : null;
        Instant lastSuccess = s.lastSuccess();
        OptionalDouble turnsPerMinute = OptionalDouble.empty();
        OptionalDouble p50 = OptionalDouble.empty();
        OptionalDouble p90 = OptionalDouble.empty();
        OptionalDouble freshness = OptionalDouble.empty();
        boolean freshnessSinceStart = false;
        if (window.isPresent()) {
            TurnHistory.Window w = window.get();
            if (!f.turns().isEmpty()) {
                turnsPerMinute = StatusSummary.perMinute(w.turns().total(), w.length());
                p50 = StatusSummary.quantile(0.5, w.turns());
                p90 = StatusSummary.quantile(0.9, w.turns());
            }
            freshness = StatusSummary.quantile(0.9, w.recordDelay());
        }
        if (freshness.isEmpty()) {
            freshness = StatusSummary.quantile(0.9, f.recordDelay());
            freshnessSinceStart = freshness.isPresent();
        }
        return new BotRow(s.bot(), state, detail, lastSuccess, f.lagSeconds(), freshness, freshnessSinceStart,
                f.budgetMinute(), f.budgetHour(), window.map(TurnHistory.Window::length).orElse(null),
                turnsPerMinute, p50, p90, ordered(f.containment()), s.lastError());
    }

    private static Map<String, Double> ordered(Map<String, Double> shares) {
        Map<String, Double> out = new LinkedHashMap<>();
        CONTAINMENT_ORDER.forEach(c -> {
            if (shares.containsKey(c)) {
                out.put(c, shares.get(c));
            }
        });
        shares.forEach(out::putIfAbsent);
        return out;
    }
}
