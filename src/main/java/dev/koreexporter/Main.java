package dev.koreexporter;

import dev.koreexporter.cli.CheckConfigCommand;
import dev.koreexporter.cli.Cli;
import dev.koreexporter.cli.Command;
import dev.koreexporter.cli.RulesCommand;
import dev.koreexporter.cli.UsageException;
import dev.koreexporter.config.ConfigException;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;
import dev.koreexporter.doctor.DoctorCommand;
import dev.koreexporter.metrics.OtlpPush;
import dev.koreexporter.kore.Sleeper;
import dev.koreexporter.simulator.KoreSimulator;
import dev.koreexporter.simulator.SimulatorCommand;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.tracing.OtelTurnTracer;
import io.helidon.logging.common.LogConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.logging.Logger;

/** Entry point: parses the command line and wires config, simulator and daemon together. */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());
    /** Returned by {@link #run} when a server keeps running after it returns. */
    private static final int RUNNING = -1;

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        int code;
        try {
            code = run(args, System.getenv(), System.out, System.err);
        } catch (Error e) {
            // Before the daemon runs too: out of memory exits 3, any other Error 1 (README "Quick start").
            FatalErrors.exitingProcess().accept(e);
            return;
        }
        if (code != RUNNING) {
            System.exit(code);
        }
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Command command;
        try {
            command = Cli.parse(args, env);
        } catch (UsageException e) {
            err.println("kore-exporter: " + e.getMessage());
            return 2;
        }
        try {
            return switch (command) {
                case Command.Help h -> {
                    out.println(Cli.HELP);
                    yield 0;
                }
                case Command.CheckConfig c -> CheckConfigCommand.run(c.config(), env, out, err);
                case Command.Simulator s -> SimulatorCommand.run(s.args());
                case Command.Rules r -> RulesCommand.run(r.config(), env, out, err);
                case Command.Doctor d -> DoctorCommand.run(d.config(), d.format(), env, out, err,
                        Clock.systemUTC(), Sleeper.SYSTEM);
                case Command.Run r -> serve(ConfigLoader.load(r.config(), env), r.shard(), null, env, err);
                case Command.Demo d -> demo(d, env, err);
            };
        } catch (ConfigException e) {
            err.println("kore-exporter: invalid configuration:");
            e.problems().forEach(p -> err.println("  - " + p));
            return 2;
        } catch (RuntimeException e) {
            err.println("kore-exporter: cannot start: " + e.getMessage());
            return 1;
        }
    }

    /** Starts the embedded simulator and the daemon configured for its bots. */
    private static int demo(Command.Demo demo, Map<String, String> env, PrintStream err) {
        KoreSimulator sim = KoreSimulator.start(demoSimulator());
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigLoader.loadYaml(DemoConfig.yaml(sim, demo.config(), Files.createTempDirectory("kore-exporter-demo")),
                    "demo configuration", env);
        } catch (IOException e) {
            sim.close();
            throw new IllegalStateException("cannot prepare the demo: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            sim.close();
            throw e;
        }
        LOG.info(() -> "demo mode: embedded Kore.ai simulator at " + sim.baseUrl() + " with bots "
                + sim.bots().stream().map(b -> b.name()).toList());
        return serve(loaded, demo.shard(), sim, OtelTurnTracer.demoEnvironment(env), err);
    }

    /**
     * The demo's embedded simulator: on the loopback address only, as nothing but this process calls it (the
     * {@code simulator} command listens on every address, for docker-compose).
     */
    static SimulatorOptions demoSimulator() {
        return SimulatorOptions.defaults().withHost("127.0.0.1").withPort(0);
    }

    private static int serve(ConfigLoader.Loaded loaded, Shard shard, AutoCloseable sim, Map<String, String> env,
                             PrintStream err) {
        loaded.warnings().forEach(w -> LOG.warning(w));
        ExporterConfig config = loaded.config();
        OtelTurnTracer tracing = OtelTurnTracer.fromEnvironment(config.tracing(), env);
        Daemon daemon;
        try {
            FatalErrors fatal = FatalErrors.exitingProcess();
            fatal.installAsDefaultHandler();
            daemon = Daemon.start(config, shard, Clock.systemUTC(), tracing, OtlpPush.fromEnvironment(env), fatal);
        } catch (RuntimeException e) {
            tracing.close();
            closeQuietly(sim);
            throw e;
        }
        Signals.onTermination(() -> {
            LOG.info("stopping: writing checkpoints");
            tracing.stopWaiting();
            daemon.close();
            tracing.close();
            closeQuietly(sim);
        });
        return RUNNING;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.fine(() -> "close: " + e);
            }
        }
    }
}
