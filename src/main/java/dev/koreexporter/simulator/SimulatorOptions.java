package dev.koreexporter.simulator;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * How a {@link KoreSimulator} runs. Start from {@link #defaults()} and change fields with the withers.
 *
 * @param history                 traffic generated before start (most of it already visible)
 * @param sessionsPerMinutePerBot mean rate of new sessions per bot (Poisson)
 * @param maxLateness             every record becomes visible 0..maxLateness after it happens (a session's close
 *                                too, after the close itself)
 * @param perMinute               per-bot request limit in any sliding 60 s
 * @param perHour                 per-bot request limit in any sliding hour
 * @param sessionsPageCap         most sessions a getSessions page holds: 1,000 by default, as real tenants serve
 *                                far more than the 100 of 0.3.0's simulator
 * @param quirks                  record shapes and strictness a real tenant may show (off by default, but
 *                                {@link Quirks#strictSecureForm()})
 * @param lifecycle               when sessions close and what they log after {@code end_time}
 * @param tenant                  how the tenant serves every request, before an interceptor changes one
 * @param agentAiPort             {@link #SAME_LISTENER}: the Agent AI API is served with the others; else on a
 *                                listener of its own at this port (0: any free one) and not on the main one
 */
public record SimulatorOptions(String host,
                               int port,
                               long seed,
                               InstantSource clock,
                               List<SimBot> bots,
                               Duration history,
                               double sessionsPerMinutePerBot,
                               Duration maxLateness,
                               int perMinute,
                               int perHour,
                               boolean enforceRateLimits,
                               int sessionsPageCap,
                               int v1PageCap,
                               int litePageCap,
                               int v2PageCap,
                               int agentAiPageCap,
                               Quirks quirks,
                               SessionLifecycle lifecycle,
                               Serving tenant,
                               int agentAiPort) {

    /** {@link #agentAiPort()}: Agent AI is served on the main listener, with the other APIs. */
    public static final int SAME_LISTENER = -1;

    /** The fixed demo credentials: docker-compose and the README use them, so they never change. */
    public static final List<SimBot> DEMO_BOTS = List.of(
            demoBot("billing-voice", "66eaa0843a8348c1e5061a01", List.of("korevg", "ivrVoice")),
            demoBot("support-ivr", null, List.of("twiliovoice", "ivrVoice")),
            demoBot("web-chat", null, List.of("rtm", "korevg")));

    public SimulatorOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(maxLateness, "maxLateness");
        Objects.requireNonNull(quirks, "quirks");
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(tenant, "tenant");
        bots = List.copyOf(bots);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (agentAiPort < SAME_LISTENER || agentAiPort > 65535) {
            throw new IllegalArgumentException("agentAiPort must be 0..65535 or SAME_LISTENER: " + agentAiPort);
        }
        if (bots.isEmpty() || bots.stream().map(SimBot::botId).distinct().count() != bots.size()) {
            throw new IllegalArgumentException("bots must be non-empty with distinct bot ids");
        }
        if (history.isNegative() || maxLateness.isNegative()) {
            throw new IllegalArgumentException("history and maxLateness must not be negative");
        }
        if (!(sessionsPerMinutePerBot >= 0)) {
            throw new IllegalArgumentException("sessionsPerMinutePerBot must be >= 0");
        }
        if (perMinute < 1 || perHour < 1 || sessionsPageCap < 1 || v1PageCap < 1 || litePageCap < 1
                || v2PageCap < 1 || agentAiPageCap < 1) {
            throw new IllegalArgumentException("limits and page caps must be positive");
        }
    }

    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, 42L, InstantSource.system(), DEMO_BOTS, Duration.ofHours(1),
                3.0, Duration.ofMinutes(15), 60, 1800, true, 1000, 100, 1000, 10000, 20, Quirks.DEFAULT,
                SessionLifecycle.INACTIVITY_CLOSE, Serving.RECORDED, SAME_LISTENER);
    }

    private static SimBot demoBot(String name, String accountId, List<String> channels) {
        return new SimBot(name,
                "st-" + UUID.nameUUIDFromBytes(("kore-sim-bot/" + name).getBytes()),
                "cs-" + UUID.nameUUIDFromBytes(("kore-sim-app/" + name).getBytes()),
                "demo-" + name + "-secret-0123456789abcdef",
                accountId, channels);
    }

    public SimulatorOptions withHost(String v) {
        return edit(d -> d.host = v);
    }

    public SimulatorOptions withPort(int v) {
        return edit(d -> d.port = v);
    }

    public SimulatorOptions withSeed(long v) {
        return edit(d -> d.seed = v);
    }

    public SimulatorOptions withClock(InstantSource v) {
        return edit(d -> d.clock = v);
    }

    public SimulatorOptions withBots(List<SimBot> v) {
        return edit(d -> d.bots = v);
    }

    /** Every bot changed the same way, e.g. {@code withEveryBot(b -> b.withEnforceJti(true))}. */
    public SimulatorOptions withEveryBot(UnaryOperator<SimBot> change) {
        return withBots(bots.stream().map(change).toList());
    }

    /** The bot named {@code name} changed, the others as they are. */
    public SimulatorOptions withBot(String name, UnaryOperator<SimBot> change) {
        SimBot bot = bot(name);
        return withBots(bots.stream().map(b -> b == bot ? change.apply(b) : b).toList());
    }

    public SimulatorOptions withHistory(Duration v) {
        return edit(d -> d.history = v);
    }

    public SimulatorOptions withSessionsPerMinutePerBot(double v) {
        return edit(d -> d.sessionsPerMinutePerBot = v);
    }

    public SimulatorOptions withMaxLateness(Duration v) {
        return edit(d -> d.maxLateness = v);
    }

    public SimulatorOptions withRateLimits(int perMinute, int perHour) {
        return edit(d -> {
            d.perMinute = perMinute;
            d.perHour = perHour;
        });
    }

    public SimulatorOptions withEnforceRateLimits(boolean v) {
        return edit(d -> d.enforceRateLimits = v);
    }

    /** Page caps in the order sessions, v1, messages-lite, v2, Agent AI. */
    public SimulatorOptions withPageCaps(int sessions, int v1, int lite, int v2, int agentAi) {
        return edit(d -> {
            d.sessionsPageCap = sessions;
            d.v1PageCap = v1;
            d.litePageCap = lite;
            d.v2PageCap = v2;
            d.agentAiPageCap = agentAi;
        });
    }

    public SimulatorOptions withSessionsPageCap(int v) {
        return edit(d -> d.sessionsPageCap = v);
    }

    public SimulatorOptions withQuirks(Quirks v) {
        return edit(d -> d.quirks = v);
    }

    public SimulatorOptions withLifecycle(SessionLifecycle v) {
        return edit(d -> d.lifecycle = v);
    }

    public SimulatorOptions withTenant(Serving v) {
        return edit(d -> d.tenant = v);
    }

    /** The tenant changed, e.g. {@code withTenant(t -> t.withActiveSessionsListed(false))}. */
    public SimulatorOptions withTenant(UnaryOperator<Serving> change) {
        return withTenant(change.apply(tenant));
    }

    /** Agent AI on a listener of its own at {@code port} (0: any free port), or {@link #SAME_LISTENER}. */
    public SimulatorOptions withAgentAiPort(int v) {
        return edit(d -> d.agentAiPort = v);
    }

    public boolean agentAiOnOwnListener() {
        return agentAiPort != SAME_LISTENER;
    }

    private SimulatorOptions edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /** The options as mutable fields, so each wither names only what it changes. */
    private static final class Draft {
        String host;
        int port;
        long seed;
        InstantSource clock;
        List<SimBot> bots;
        Duration history;
        double sessionsPerMinutePerBot;
        Duration maxLateness;
        int perMinute;
        int perHour;
        boolean enforceRateLimits;
        int sessionsPageCap;
        int v1PageCap;
        int litePageCap;
        int v2PageCap;
        int agentAiPageCap;
        Quirks quirks;
        SessionLifecycle lifecycle;
        Serving tenant;
        int agentAiPort;

        Draft(SimulatorOptions o) {
            host = o.host;
            port = o.port;
            seed = o.seed;
            clock = o.clock;
            bots = o.bots;
            history = o.history;
            sessionsPerMinutePerBot = o.sessionsPerMinutePerBot;
            maxLateness = o.maxLateness;
            perMinute = o.perMinute;
            perHour = o.perHour;
            enforceRateLimits = o.enforceRateLimits;
            sessionsPageCap = o.sessionsPageCap;
            v1PageCap = o.v1PageCap;
            litePageCap = o.litePageCap;
            v2PageCap = o.v2PageCap;
            agentAiPageCap = o.agentAiPageCap;
            quirks = o.quirks;
            lifecycle = o.lifecycle;
            tenant = o.tenant;
            agentAiPort = o.agentAiPort;
        }

        SimulatorOptions build() {
            return new SimulatorOptions(host, port, seed, clock, bots, history, sessionsPerMinutePerBot, maxLateness,
                    perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap,
                    agentAiPageCap, quirks, lifecycle, tenant, agentAiPort);
        }
    }

    public SimBot bot(String name) {
        return bots.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no bot named " + name));
    }
}
