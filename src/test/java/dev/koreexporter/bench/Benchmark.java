package dev.koreexporter.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Performance benchmark: capacity per bot, API budget and freshness (simulated clock), ingest throughput, scrape
 * time, start-up time, footprint (in parts), 100 bots on one replica and 1,000 on the scrape path alone, and replicas
 * sharing state in PostgreSQL (database load, takeover after a replica's death). Prints one table; every figure with its
 * target and the ratio measured in the same run. {@code --tiny} is a smoke run of a few seconds (sizes too small for
 * the figures to mean anything).
 *
 * <pre>bin/benchmark [--tiny] [--only capacity,budget,ingest,scrape,startup,footprint,scale,replicas]</pre>
 */
public final class Benchmark {
    /** The sections, in the order they run. */
    public static final List<String> SECTIONS = List.of("capacity", "budget", "ingest", "scrape", "startup", "footprint", "scale",
            "replicas");

    /**
     * @param tiny  smoke sizes
     * @param java  the java launcher for child JVMs
     * @param exporterLaunch how a child JVM runs the exporter: {@code -jar target/kore-exporter.jar} or a class path
     */
    public record Options(boolean tiny, List<String> sections, Path java, List<String> exporterLaunch) {
    }

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean tiny = false;
        List<String> sections = SECTIONS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tiny" -> tiny = true;
                case "--only" -> sections = List.of(args[++i].split(","));
                default -> {
                    System.err.println("usage: Benchmark [--tiny] [--only " + String.join(",", SECTIONS) + "]");
                    System.exit(2);
                }
            }
        }
        quietLogs();
        Options options = new Options(tiny, sections, javaLauncher(), exporterLaunch(tiny));
        List<Row> rows;
        try {
            rows = run(options, System.out);
        } catch (IllegalStateException e) {
            // A process under test died or never answered: say which, without a stack trace.
            System.err.println("benchmark stopped: " + e.getMessage());
            System.exit(1);
            return;
        }
        print(rows, System.out);
    }

    /** Runs the chosen sections; progress goes to {@code log}. */
    public static List<Row> run(Options o, PrintStream log) throws Exception {
        List<Row> rows = new ArrayList<>();
        List<TrafficRun.Result> runs = new ArrayList<>();
        for (String section : o.sections()) {
            long started = System.nanoTime();
            log.println("== " + section + " ...");
            rows.addAll(switch (section) {
                case "capacity" -> CapacityBench.capacity(o.tiny(), runs);
                case "budget" -> CapacityBench.budget(o.tiny(), runs);
                case "ingest" -> IngestBench.run(o.tiny());
                case "scrape" -> ScrapeBench.run(o.tiny());
                case "startup" -> ProcessBench.startup(o);
                case "footprint" -> ProcessBench.footprint(o);
                case "scale" -> ScaleBench.run(o);
                case "replicas" -> SharedStateBench.run(o);
                default -> throw new IllegalArgumentException("unknown section " + section);
            });
            log.printf(Locale.ROOT, "== %s done in %.1f s%n", section, (System.nanoTime() - started) / 1e9);
        }
        if (!runs.isEmpty()) {
            rows.addAll(CapacityBench.limits(runs));
        }
        return rows;
    }

    public static void print(List<Row> rows, PrintStream out) {
        String format = "| %-80s | %14s | %-9s | %10s | %8s | %-6s |%n";
        out.printf(Locale.ROOT, format, "figure", "measured", "unit", "target", "ratio", "");
        out.printf(Locale.ROOT, format, "-".repeat(80), "-".repeat(14), "-".repeat(9), "-".repeat(10), "-".repeat(8),
                "-".repeat(6));
        for (Row r : rows) {
            out.printf(Locale.ROOT, format, r.label(), Row.number(r.value()), r.unit(), r.targetText(),
                    Row.number(r.ratio()), r.verdict());
        }
    }

    static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The packaged jar when there is one (the real thing), else this JVM's class path (unit tests). */
    static List<String> exporterLaunch(boolean tiny) {
        Path jar = Path.of("target", "kore-exporter.jar");
        if (!tiny && Files.isRegularFile(jar)) {
            return List.of("-jar", jar.toString());
        }
        return List.of("-cp", System.getProperty("java.class.path"), "dev.koreexporter.Main");
    }

    /** The simulator and the pollers log every cycle; the table is what matters here. */
    static void quietLogs() throws IOException {
        Path config = Files.createTempFile("kore-bench-logging", ".properties");
        Files.writeString(config, "handlers=java.util.logging.ConsoleHandler\n.level=SEVERE\n");
        // Helidon reads the class path's logging.properties unless this property names a file.
        System.setProperty("java.util.logging.config.file", config.toString());
        LogManager.getLogManager().readConfiguration();
        Logger.getLogger("").setLevel(Level.SEVERE);
    }
}
