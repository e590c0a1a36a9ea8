package dev.koreexporter.simulator;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * How a {@link KoreSimulator} runs. Start from {@link #defaults()} and change fields with the withers.
 *
 * @param history                 traffic generated before start (most of it already visible)
 * @param sessionsPerMinutePerBot mean rate of new sessions per bot (Poisson)
 * @param maxLateness             every record becomes visible 0..maxLateness after it happens
 * @param perMinute               per-bot request limit in any sliding 60 s
 * @param perHour                 per-bot request limit in any sliding hour
 * @param quirks                  record shapes and strictness a real tenant may show (off by default, but
 *                                {@link Quirks#strictSecureForm()})
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
                               Quirks quirks) {

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
        bots = List.copyOf(bots);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
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
                3.0, Duration.ofMinutes(15), 60, 1800, true, 100, 100, 1000, 10000, 20, Quirks.DEFAULT);
    }

    private static SimBot demoBot(String name, String accountId, List<String> channels) {
        return new SimBot(name,
                "st-" + UUID.nameUUIDFromBytes(("kore-sim-bot/" + name).getBytes()),
                "cs-" + UUID.nameUUIDFromBytes(("kore-sim-app/" + name).getBytes()),
                "demo-" + name + "-secret-0123456789abcdef",
                accountId, channels);
    }

    public SimulatorOptions withHost(String v) {
        return new SimulatorOptions(v, port, seed, clock, bots, history, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    public SimulatorOptions withPort(int v) {
        return new SimulatorOptions(host, v, seed, clock, bots, history, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    public SimulatorOptions withSeed(long v) {
        return new SimulatorOptions(host, port, v, clock, bots, history, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    public SimulatorOptions withClock(InstantSource v) {
        return new SimulatorOptions(host, port, seed, v, bots, history, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    public SimulatorOptions withBots(List<SimBot> v) {
        return new SimulatorOptions(host, port, seed, clock, v, history, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    public SimulatorOptions withHistory(Duration v) {
        return new SimulatorOptions(host, port, seed, clock, bots, v, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    public SimulatorOptions withSessionsPerMinutePerBot(double v) {
        return new SimulatorOptions(host, port, seed, clock, bots, history, v, maxLateness,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    public SimulatorOptions withMaxLateness(Duration v) {
        return new SimulatorOptions(host, port, seed, clock, bots, history, sessionsPerMinutePerBot, v,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    public SimulatorOptions withRateLimits(int perMinute, int perHour) {
        return new SimulatorOptions(host, port, seed, clock, bots, history, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    public SimulatorOptions withEnforceRateLimits(boolean v) {
        return new SimulatorOptions(host, port, seed, clock, bots, history, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, v, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, quirks);
    }

    /** Page caps in the order sessions, v1, messages-lite, v2, Agent AI. */
    public SimulatorOptions withPageCaps(int sessions, int v1, int lite, int v2, int agentAi) {
        return new SimulatorOptions(host, port, seed, clock, bots, history, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, enforceRateLimits, sessions, v1, lite, v2, agentAi, quirks);
    }

    public SimulatorOptions withQuirks(Quirks v) {
        return new SimulatorOptions(host, port, seed, clock, bots, history, sessionsPerMinutePerBot, maxLateness,
                perMinute, perHour, enforceRateLimits, sessionsPageCap, v1PageCap, litePageCap, v2PageCap, agentAiPageCap, v);
    }

    public SimBot bot(String name) {
        return bots.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no bot named " + name));
    }
}
