package dev.koreexporter.doctor;

import dev.koreexporter.config.ConfigException;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.Sleeper;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * {@code doctor --config FILE [--format text|json]}: checks every bot of the config against Kore.ai and
 * reports (README "First run against your tenant"). Counts nothing and never opens {@code state.dir}, so it
 * is safe next to a running exporter; at most {@link BotDoctor#MAX_REQUESTS} requests per bot, within the
 * configured rate limits.
 */
public final class DoctorCommand {
    private static final Logger LOG = Logger.getLogger(DoctorCommand.class.getName());

    /** How the report is printed. */
    public enum Format { TEXT, JSON }

    private DoctorCommand() {
    }

    /** @return the exit code: 0 nothing failed, 1 a check failed, 2 bad config */
    public static int run(Path config, Format format, Map<String, String> env, PrintStream out, PrintStream err,
                          Clock clock, Sleeper sleeper) {
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigLoader.load(config, env);
        } catch (ConfigException e) {
            err.println("kore-exporter doctor: invalid configuration " + config + ":");
            e.problems().forEach(p -> err.println("  - " + p));
            return 2;
        }
        loaded.warnings().forEach(w -> err.println("warning: " + w));
        DoctorReport report;
        try {
            report = check(loaded.config(), clock, sleeper);
            // stderr, so stdout stays exactly the report
            report.bots().forEach(b -> err.println("doctor: bot " + b.bot() + ": " + b.requests() + " request(s) sent"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("kore-exporter doctor: interrupted");
            return 1;
        }
        if (format == Format.JSON) {
            report.printJson(out);
        } else {
            report.printText(out);
        }
        return report.exitCode();
    }

    /** Checks the bots one after the other, each with its own rate limiter. */
    public static DoctorReport check(ExporterConfig config, Clock clock, Sleeper sleeper) throws InterruptedException {
        List<BotReport> bots = new ArrayList<>();
        for (ExporterConfig.Bot bot : config.bots()) {
            try (BotDoctor doctor = new BotDoctor(config, bot, clock, sleeper)) {
                BotReport report = doctor.run();
                LOG.fine(() -> "bot " + bot.name() + ": doctor sent " + report.requests() + " request(s)");
                bots.add(report);
            }
        }
        return new DoctorReport(bots);
    }
}
