package dev.koreexporter.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code simulator --port N [--seed S] [--rate R] [--lateness D] [modes]}: runs only the simulator, on 0.0.0.0
 * with the fixed demo bots, until SIGTERM. The modes switch a whole run to a way real tenants were seen to
 * behave (README "Development"). The lab's command takes the same arguments.
 */
public final class SimulatorCommand {
    private static final Logger LOG = Logger.getLogger(SimulatorCommand.class.getName());
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final String USAGE = "usage: simulator --port N [--seed S] [--rate SESSIONS_PER_MINUTE] [--lateness DURATION]"
            + " [--lifecycle inactivity-close|closed-at-end] [--inactivity-timeout DURATION] [--sessions-listed all|closed]"
            + " [--sessions-page-cap N] [--page-time DURATION_PER_1000_RECORDS] [--hang-above RECORDS] [--hang DURATION]"
            + " [--enforce-jti true|false] [--other-requests PER_MINUTE] [--agent-ai-port N]";
    private static final Duration DEFAULT_HANG = Duration.ofMinutes(1);

    private SimulatorCommand() {
    }

    /** @return 0 after SIGTERM, 2 on bad arguments */
    public static int run(List<String> args) {
        return run(args, KoreSimulator::start);
    }

    /**
     * Runs what {@code start} makes of the options the arguments give until SIGTERM.
     *
     * @return 0 after SIGTERM, 2 on bad arguments
     */
    public static int run(List<String> args, Function<SimulatorOptions, ? extends AutoCloseable> start) {
        SimulatorOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            PrintStream err = System.err;
            err.println("simulator: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        AutoCloseable sim = start.apply(options);
        for (SimBot b : options.bots()) {
            LOG.info(() -> "simulated bot " + b.name() + ": botId=" + b.botId() + " clientId=" + b.clientId()
                    + (b.accountId() == null ? "" : " accountId=" + b.accountId()) + " channels=" + b.channels());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close(sim);
            stopped.countDown();
        }, "simulator-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(sim);
        }
        return 0;
    }

    private static void close(AutoCloseable sim) {
        try {
            sim.close();
        } catch (Exception e) {
            LOG.fine(() -> "close: " + e);
        }
    }

    /** @throws IllegalArgumentException naming the bad argument */
    static SimulatorOptions parse(List<String> args) {
        SimulatorOptions o = SimulatorOptions.defaults().withHost("0.0.0.0");
        boolean portGiven = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (i == 0 && arg.equals("simulator")) {
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(arg.startsWith("--") ? arg + " needs a value" : "unknown argument " + arg);
            }
            String value = args.get(++i);
            switch (arg) {
                case "--port" -> {
                    int port = integer(arg, value);
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("--port must be 0..65535");
                    }
                    o = o.withPort(port);
                    portGiven = true;
                }
                case "--seed" -> o = o.withSeed(longValue(arg, value));
                case "--rate" -> {
                    double rate = doubleValue(arg, value);
                    if (!(rate >= 0) || Double.isInfinite(rate)) {
                        throw new IllegalArgumentException("--rate must be a number of sessions per minute >= 0");
                    }
                    o = o.withSessionsPerMinutePerBot(rate);
                }
                case "--lateness" -> o = o.withMaxLateness(duration(arg, value));
                case "--lifecycle" -> o = o.withLifecycle(switch (value.trim()) {
                    case "inactivity-close" -> SessionLifecycle.INACTIVITY_CLOSE;
                    case "closed-at-end" -> SessionLifecycle.CLOSED_AT_END;
                    default -> throw new IllegalArgumentException("--lifecycle must be inactivity-close or closed-at-end");
                });
                case "--inactivity-timeout" -> {
                    Duration timeout = duration(arg, value);
                    if (!timeout.isPositive()) {
                        throw new IllegalArgumentException("--inactivity-timeout must be positive");
                    }
                    o = o.withEveryBot(b -> b.withInactivityTimeout(timeout));
                }
                case "--sessions-listed" -> o = o.withTenant(t -> t.withActiveSessionsListed(switch (value.trim()) {
                    case "all" -> true;
                    case "closed" -> false;
                    default -> throw new IllegalArgumentException("--sessions-listed must be all or closed");
                }));
                case "--sessions-page-cap" -> o = o.withSessionsPageCap(positive(arg, value));
                case "--page-time" -> {
                    Duration perThousand = duration(arg, value);
                    o = o.withTenant(t -> t.withPageTime(new PageTime(t.pageTime().base(), perThousand,
                            t.pageTime().hangAbove(), t.pageTime().hang())));
                }
                case "--hang-above" -> {
                    int records = positive(arg, value);
                    o = o.withTenant(t -> t.withPageTime(t.pageTime().hangingAbove(records,
                            t.pageTime().hang().isZero() ? DEFAULT_HANG : t.pageTime().hang())));
                }
                case "--hang" -> {
                    Duration hang = duration(arg, value);
                    o = o.withTenant(t -> t.withPageTime(t.pageTime().hangingAbove(t.pageTime().hangAbove(), hang)));
                }
                case "--enforce-jti" -> {
                    boolean enforce = bool(arg, value);
                    o = o.withEveryBot(b -> b.withEnforceJti(enforce));
                }
                case "--other-requests" -> {
                    double rate = doubleValue(arg, value);
                    if (!(rate >= 0) || Double.isInfinite(rate)) {
                        throw new IllegalArgumentException("--other-requests must be a number of requests per minute >= 0");
                    }
                    o = o.withEveryBot(b -> b.withOtherRequestsPerMinute(rate));
                }
                case "--agent-ai-port" -> {
                    int port = integer(arg, value);
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("--agent-ai-port must be 0..65535");
                    }
                    o = o.withAgentAiPort(port);
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (!portGiven) {
            throw new IllegalArgumentException("--port is required");
        }
        return o;
    }

    /** 500ms, 30s, 5m, 1h, 7d or ISO-8601 (PT30S), as in the exporter's config. */
    public static Duration duration(String key, String value) {
        Matcher m = SIMPLE_DURATION.matcher(value.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration d = Duration.parse(value.trim());
            if (d.isNegative()) {
                throw new IllegalArgumentException(key + " must not be negative");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be a duration like 500ms, 30s, 5m, 1h or PT30S: " + value);
        }
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer: " + value);
        }
    }

    private static int positive(String key, String value) {
        int n = integer(key, value);
        if (n < 1) {
            throw new IllegalArgumentException(key + " must be a positive integer: " + value);
        }
        return n;
    }

    private static boolean bool(String key, String value) {
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false: " + value);
        };
    }

    private static long longValue(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer: " + value);
        }
    }

    private static double doubleValue(String key, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number: " + value);
        }
    }
}
