package dev.koreexporter.bench;

import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A separate exporter JVM ({@code -Xmx64m -XX:+UseSerialGC}) against a simulator on the system clock: time
 * from process start to {@code /health/ready} 200, and resident memory while it ingests.
 */
final class ProcessBench {
    /** The recommended flags (README, Dockerfile, deploy/k8s): heap, one GC thread, C1 only, capped code cache. */
    static final List<String> JVM_FLAGS = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=64m", "-Xss512k");
    /** glibc otherwise keeps up to 8 malloc arenas per core, each holding freed native memory. */
    static final Map<String, String> ENV = Map.of("MALLOC_ARENA_MAX", "2");
    /** Sessions per minute per bot that make about 100,000 voice turns an hour per bot (about 5.4 turns a session). */
    static final double BUSY_RATE = 300;
    /**
     * The heap the busy run needs: a busy bot's first hour holds its seen ids for the hour and a 10,000-message page,
     * ~15 MB of heap each; three at {@code -Xmx64m} ran out of memory (README "Performance and sizing").
     */
    static final String BUSY_HEAP = "-Xmx96m";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ProcessBench() {
    }

    static List<Row> startup(Benchmark.Options o) throws Exception {
        Path dir = Files.createTempDirectory("kore-bench-startup");
        try (LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults().withPort(0))) {
            int runs = o.tiny() ? 1 : 3;
            double plain = medianStartup(o, sim, dir, List.of(), runs);
            List<Row> rows = new ArrayList<>();
            rows.add(Row.atMost("startup.plain", "start -> /health/ready 200 (median of " + runs + ")", plain, "s", 1.5));
            if (Runtime.version().feature() >= 25 && !o.tiny()) {
                Path aot = dir.resolve("app.aot");
                // Training run: the JVM records the classes it loaded and linked, and writes the cache at exit.
                timeToReady(o, sim, dir, List.of("-XX:AOTCacheOutput=" + aot));
                double cached = medianStartup(o, sim, dir, List.of("-XX:AOTCache=" + aot), runs);
                rows.add(Row.atMost("startup.aot", "start -> /health/ready 200 with JDK 25 AOT cache", cached, "s", 1.5));
            }
            return rows;
        }
    }

    /**
     * Footprint in parts: the fixed cost (an exporter polling one idle bot), then 3 busy bots at {@link #BUSY_RATE}
     * and what each adds; series are costed in the scale section.
     */
    static List<Row> footprint(Benchmark.Options o) throws Exception {
        Idle idle = idle(o);
        List<Row> rows = new ArrayList<>(List.of(
                Row.info("footprint.idle.rss", "footprint: fixed JVM cost, exporter polling 1 idle bot, RSS max",
                        idle.rss(), "MiB"),
                Row.info("footprint.idle.anon", "footprint: fixed JVM cost, anonymous memory (RssAnon) max",
                        idle.anon(), "MiB")));
        rows.addAll(busy(o, idle));
        rows.add(BenchSupport.loadAverage("footprint"));
        return rows;
    }

    private record Idle(double rss, double anon) {
    }

    private static Idle idle(Benchmark.Options o) throws Exception {
        Path dir = Files.createTempDirectory("kore-bench-idle");
        SimulatorOptions defaults = SimulatorOptions.defaults();
        try (LabSimulator sim = LabSimulator.start(defaults.withPort(0).withBots(defaults.bots().subList(0, 1))
                .withSessionsPerMinutePerBot(0))) {
            Exporter exporter = Exporter.start(o, sim, dir, List.of());
            try {
                exporter.awaitReady(Duration.ofSeconds(60));
                double rss = 0;
                double anon = 0;
                // Long enough for a few cycles and the JVM meters' first scrape-free minute of timers.
                for (int i = 0; i < (o.tiny() ? 2 : 30); i++) {
                    Thread.sleep(1000);
                    rss = Math.max(rss, exporter.rssMiB());
                    anon = Math.max(anon, exporter.anonMiB());
                }
                return new Idle(rss, anon);
            } finally {
                exporter.stop();
            }
        }
    }

    private static List<Row> busy(Benchmark.Options o, Idle idle) throws Exception {
        Path dir = Files.createTempDirectory("kore-bench-footprint");
        Duration length = o.tiny() ? Duration.ofSeconds(4) : Duration.ofSeconds(120);
        Duration warmUp = o.tiny() ? Duration.ofSeconds(1) : Duration.ofSeconds(40);
        double rate = o.tiny() ? 3 : BUSY_RATE;
        // The same options as `kore-exporter.jar simulator --port N --rate R` (SimulatorCommand).
        try (LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults().withPort(0)
                .withSessionsPerMinutePerBot(rate))) {
            Exporter exporter = Exporter.start(o, sim, dir, List.of(BUSY_HEAP));
            try {
                // Not ready: at this load the first cycle's backfill alone waits minutes for the rate limit.
                exporter.await("/health/live", Duration.ofSeconds(60));
                long start = System.nanoTime();
                List<Double> rssAfterWarmUp = new ArrayList<>();
                double maxAnon = 0;
                double maxRss = 0;
                double maxHeap = 0;
                int maxThreads = 0;
                while (System.nanoTime() - start < length.toNanos()) {
                    Thread.sleep(1000);
                    exporter.checkAlive(dir);
                    double rss = exporter.rssMiB();
                    maxRss = Math.max(maxRss, rss);
                    maxHeap = Math.max(maxHeap, exporter.heapMiB());
                    maxThreads = Math.max(maxThreads, exporter.threads());
                    if (System.nanoTime() - start >= warmUp.toNanos()) {
                        rssAfterWarmUp.add(rss);
                        maxAnon = Math.max(maxAnon, exporter.anonMiB());
                    }
                }
                double[] steady = rssAfterWarmUp.stream().mapToDouble(Double::doubleValue).toArray();
                double growth = steady.length < 2 ? 0 : steady[steady.length - 1] - steady[0];
                double turnsPerHour = rate * 60 * 5.4;
                System.out.println("footprint: exporter JVM flags " + String.join(" ", JVM_FLAGS) + " " + BUSY_HEAP
                        + ", env " + ENV);
                return List.of(
                        Row.info("footprint.load", "footprint: simulated load, turns/h per bot (3 bots)", turnsPerHour,
                                "turns/h"),
                        Row.atMost("footprint.rss", "footprint: RSS after warm-up, max (recommended flags, " + BUSY_HEAP + ")",
                                Arrays.stream(steady).max().orElse(maxRss), "MiB", 112),
                        Row.info("footprint.rss.peak", "footprint: RSS peak incl. first backfill", maxRss, "MiB"),
                        Row.info("footprint.heap", "footprint: heap used, max sampled", maxHeap, "MiB"),
                        Row.info("footprint.growth", "footprint: RSS growth after warm-up (" + steady.length + " s)",
                                growth, "MiB"),
                        Row.info("footprint.threads", "footprint: JVM threads, max sampled", maxThreads, "threads"),
                        Row.info("footprint.anon", "footprint: anonymous memory (RssAnon) after warm-up, max",
                                maxAnon, "MiB"),
                        Row.info("footprint.bot.anon", "footprint: per busy bot, anonymous memory above the idle"
                                + " exporter ((busy - idle) / 3)", (maxAnon - idle.anon()) / 3, "MiB"));
            } finally {
                exporter.stop();
            }
        }
    }

    private static double medianStartup(Benchmark.Options o, LabSimulator sim, Path dir, List<String> flags, int runs)
            throws Exception {
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            seconds[i] = timeToReady(o, sim, dir, flags);
        }
        Arrays.sort(seconds);
        return seconds[runs / 2];
    }

    private static double timeToReady(Benchmark.Options o, LabSimulator sim, Path dir, List<String> flags)
            throws Exception {
        Path state = dir.resolve("state-" + System.nanoTime());
        Exporter e = Exporter.start(o, sim, state, flags);
        try {
            return e.awaitReady(Duration.ofSeconds(60));
        } finally {
            e.stop();
        }
    }

    /** One exporter JVM with its own config, state dir and port (also used by {@link ScaleBench}). */
    record Exporter(Process process, int port, long startedNanos) {
        static Exporter start(Benchmark.Options o, LabSimulator sim, Path dir, List<String> flags) throws IOException {
            Files.createDirectories(dir);
            int port = freePort();
            Path config = dir.resolve("config.yml");
            Files.writeString(config, config(sim, port, dir.resolve("state")));
            List<String> cmd = new ArrayList<>(List.of(o.java().toString()));
            cmd.addAll(JVM_FLAGS);
            cmd.addAll(flags);
            cmd.addAll(o.exporterLaunch());
            cmd.addAll(List.of("--config", config.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("exporter.log").toFile());
            pb.environment().put("OTEL_TRACES_EXPORTER", "none");
            pb.environment().putAll(ENV);
            long started = System.nanoTime();
            return new Exporter(pb.start(), port, started);
        }

        /** Seconds from process start to the first 200 of /health/ready. */
        double awaitReady(Duration timeout) throws Exception {
            return await("/health/ready", timeout);
        }

        /** Seconds from process start to the first 200 of {@code path}. */
        double await(String path, Duration timeout) throws Exception {
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build();
            long deadline = startedNanos + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("exporter exited with " + process.exitValue());
                }
                try {
                    if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return (System.nanoTime() - startedNanos) / 1e9;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("exporter: no 200 from " + path + " within " + timeout);
        }

        /** Fails, naming the exit code and the log, once the exporter has exited. */
        void checkAlive(Path dir) {
            if (!process.isAlive()) {
                int code = process.exitValue();
                throw new IllegalStateException("the exporter exited with " + code
                        + (code == 3 ? " (out of memory)" : "") + "; its log: " + dir.resolve("exporter.log"));
            }
        }

        double rssMiB() throws IOException {
            return BenchSupport.statusMiB(process.pid(), "VmRSS");
        }

        double anonMiB() throws IOException {
            return BenchSupport.statusMiB(process.pid(), "RssAnon");
        }

        /** utime + stime so far, in seconds (on Linux the JDK reads both from {@code /proc/<pid>/stat}). */
        double cpuSeconds() {
            return process.info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
        }

        int threads() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.replaceAll("\\D", ""));
                }
            }
            throw new IllegalStateException("no Threads for " + process.pid());
        }

        /** Sum of jvm_memory_used_bytes{area="heap"} from the exporter's own /metrics. */
        double heapMiB() throws Exception {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum() / (1024 * 1024);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** A config polling every bot of {@code sim} every 30 s (also used by {@link ScaleBench}). */
    static String config(LabSimulator sim, int port, Path state) {
        StringBuilder y = new StringBuilder();
        y.append("server:\n  port: ").append(port).append("\n  host: 127.0.0.1\n");
        y.append("kore:\n  base-url: ").append(sim.baseUrl()).append('\n');
        y.append("poll:\n  interval: 30s\n");
        y.append("state:\n  dir: ").append(state).append('\n');
        y.append("bots:\n");
        for (SimBot b : sim.bots()) {
            y.append("  - name: ").append(b.name()).append('\n')
                    .append("    id: ").append(b.botId()).append('\n')
                    .append("    client-id: ").append(b.clientId()).append('\n')
                    .append("    client-secret: ").append(b.clientSecret()).append('\n')
                    .append("    channels: [").append(String.join(", ", b.channels())).append("]\n");
            if (b.accountId() != null) {
                y.append("    account-id: ").append(b.accountId()).append('\n');
            }
        }
        return y.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
