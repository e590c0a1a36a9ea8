package dev.koreexporter.cli;

import dev.koreexporter.config.Shard;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the command line of CONTRACT §1 into a {@link Command}; prints nothing, exits nothing. */
public final class Cli {
    public static final String CONFIG_ENV = "KORE_EXPORTER_CONFIG";

    public static final String USAGE = "usage: kore-exporter [--config FILE] [--shard I/N]"
            + " | --demo [--config FILE] [--shard I/N] | --check-config --config FILE | rules --config FILE"
            + " | simulator [--port N] | doctor --config FILE [--format text|json] | --help";

    public static final String HELP = """
            kore-exporter: Prometheus metrics and OpenTelemetry traces from Kore.ai XO voice bots

              kore-exporter --config FILE [--shard I/N]      run against Kore.ai (FILE may come from $KORE_EXPORTER_CONFIG)
              kore-exporter --demo [--config FILE]           run against the embedded simulator with generated traffic
              kore-exporter --check-config --config FILE     validate the config, exit 0 or 2 with every problem
              kore-exporter rules --config FILE              print Prometheus SLO recording rules and alerts for the config
              kore-exporter simulator [--port N]             run only the Kore.ai simulator
              kore-exporter doctor --config FILE [--format text|json]
                                                             check each bot against Kore.ai (at most 14 requests a bot)
              kore-exporter --help                           this text

              --shard I/N   this replica polls shard I (0 <= I < N) of the bots, by rendezvous hashing of the
                            bot id; default 0/1 (all)

            Every config key can be overridden by an environment variable, e.g. SERVER_PORT=9470, POLL_INTERVAL=5s.
            Exit codes: 0 clean shutdown, 2 bad config or arguments, 1 anything else.""";

    private static final Pattern SHARD = Pattern.compile("(\\d{1,6})/(\\d{1,6})");

    private Cli() {
    }

    /**
     * {@code env} supplies {@value #CONFIG_ENV} for the daemon and {@code --check-config}; {@code --demo}
     * ignores it, so a real config set for the daemon does not leak into a demo run.
     *
     * @throws UsageException naming the argument and the rule
     */
    public static Command parse(String[] args, Map<String, String> env) {
        if (args.length > 0 && args[0].equals("simulator")) {
            return new Command.Simulator(Arrays.asList(args).subList(1, args.length));
        }
        if (args.length > 0 && args[0].equals("rules")) {
            return RulesCommand.parse(Arrays.asList(args).subList(1, args.length), env);
        }
        if (args.length > 0 && args[0].equals("doctor")) {
            return DoctorArgs.parse(Arrays.asList(args).subList(1, args.length), env);
        }
        Path config = null;
        Shard shard = null;
        boolean demo = false;
        boolean check = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            String inline = name.equals(arg) ? null : arg.substring(eq + 1);
            switch (name) {
                case "--help", "-h" -> help = flag(name, inline, help);
                case "--demo" -> demo = flag(name, inline, demo);
                case "--check-config" -> check = flag(name, inline, check);
                case "--config" -> {
                    once(name, config != null);
                    String value = inline != null ? inline : next(args, i++);
                    if (value == null || value.isBlank()) {
                        throw new UsageException("--config: needs a value, the config file's path");
                    }
                    config = Path.of(value);
                }
                case "--shard" -> {
                    once(name, shard != null);
                    shard = shard(inline != null ? inline : next(args, i++));
                }
                // The name only: a mistyped --client-secret=... must not print its value.
                default -> throw new UsageException(arg.startsWith("-")
                        ? "unknown argument \"" + name + "\""
                        : "unexpected argument \"" + arg + "\"" + (arg.equals("simulator")
                        ? " (simulator must come first)" : arg.equals("rules") ? " (rules must come first)"
                        : arg.equals("doctor") ? " (doctor must come first)" : ""));
            }
        }
        if (help) {
            return new Command.Help();
        }
        if (demo && check) {
            throw new UsageException("--check-config: cannot be combined with --demo");
        }
        if (demo) {
            return new Command.Demo(config, shard == null ? Shard.ALL : shard);
        }
        Path file = config != null ? config : fromEnv(env);
        if (check) {
            if (shard != null) {
                throw new UsageException("--shard: not used by --check-config");
            }
            if (file == null) {
                throw new UsageException("--check-config: needs --config FILE (or " + CONFIG_ENV + ")");
            }
            return new Command.CheckConfig(file);
        }
        if (file == null) {
            throw new UsageException("no config file: pass --config FILE or set " + CONFIG_ENV + " (or use --demo)");
        }
        return new Command.Run(file, shard == null ? Shard.ALL : shard);
    }

    private static boolean flag(String name, String inline, boolean seen) {
        if (inline != null) {
            throw new UsageException(name + ": takes no value, got \"" + inline + "\"");
        }
        once(name, seen);
        return true;
    }

    private static void once(String name, boolean seen) {
        if (seen) {
            throw new UsageException(name + ": given more than once");
        }
    }

    /** The argument after {@code i}, or null when there is none or it is another option. */
    private static String next(String[] args, int i) {
        return i + 1 < args.length && !args[i + 1].startsWith("--") ? args[i + 1] : null;
    }

    private static Shard shard(String value) {
        Matcher m = value == null ? null : SHARD.matcher(value);
        if (m == null || !m.matches()) {
            throw new UsageException("--shard: expected INDEX/COUNT such as 0/2, got "
                    + (value == null ? "nothing" : "\"" + value + "\""));
        }
        int index = Integer.parseInt(m.group(1));
        int count = Integer.parseInt(m.group(2));
        if (count < 1 || index >= count) {
            throw new UsageException("--shard: needs 0 <= INDEX < COUNT, got \"" + value + "\"");
        }
        return new Shard(index, count);
    }

    private static Path fromEnv(Map<String, String> env) {
        String value = env.get(CONFIG_ENV);
        return value == null || value.isBlank() ? null : Path.of(value);
    }
}
