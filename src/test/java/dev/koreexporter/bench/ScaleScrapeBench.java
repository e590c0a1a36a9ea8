package dev.koreexporter.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The scrape path alone, in a child JVM ({@link ScrapeHarness}): at 100 bots with the recommended flags, the
 * simulator's label mix and a realistic one (2 channels, 2 languages, 1 ASR, 1 TTS provider), every format with
 * and without gzip, two concurrent scrapes, RSS; the same series answered 0.3.0's way (a client_java snapshot and
 * writer) for comparison; then 1,000 realistic bots with the heap they need ({@link #LARGE_HEAP}), and what the
 * two realistic sizes say per bot and per 10k series.
 */
final class ScaleScrapeBench {
    /**
     * The heap 1,000 realistic bots need (README "Performance and sizing"): ~70 MB live after a full collection,
     * which -Xmx64m cannot hold; SerialGC's old generation (two thirds of the heap) then keeps ~35 MB free.
     */
    static final String LARGE_HEAP = "-Xmx160m";

    /** What one harness run measured, beside its rows. */
    private record Run(List<Row> rows, int bots, double series, double liveHeapMiB, double rssMiB, double anonMiB) {
    }

    private ScaleScrapeBench() {
    }

    static List<Row> run(Benchmark.Options o) throws Exception {
        int small = o.tiny() ? 4 : 100;
        int large = o.tiny() ? 8 : 1000;
        Run realistic = mix(o, "realistic", small, "-Xmx64m", o.tiny() ? 5 : 100, true);
        Run simulator = mix(o, "simulator", small, "-Xmx64m", o.tiny() ? 5 : 100, true);
        Run many = mix(o, "realistic", large, LARGE_HEAP, o.tiny() ? 3 : 40, false);
        List<Row> rows = new ArrayList<>(realistic.rows());
        rows.addAll(simulator.rows());
        rows.addAll(many.rows());
        int moreBots = many.bots() - realistic.bots();
        double moreSeries = many.series() - realistic.series();
        String between = " (realistic mix, " + realistic.bots() + " -> " + many.bots() + " bots)";
        rows.add(Row.info("scale.bot.heap", "scale: live heap per realistic bot" + between,
                (many.liveHeapMiB() - realistic.liveHeapMiB()) * 1024 / moreBots, "KiB"));
        rows.add(Row.info("scale.series10k.heap", "scale: live heap per 10k series" + between,
                (many.liveHeapMiB() - realistic.liveHeapMiB()) / moreSeries * 10_000, "MiB"));
        rows.add(Row.info("scale.series10k.anon", "scale: anonymous memory per 10k series, each size at its flags"
                + between, (many.anonMiB() - realistic.anonMiB()) / moreSeries * 10_000, "MiB"));
        return rows;
    }

    /**
     * @param heap        the child's -Xmx (the other recommended flags as they are)
     * @param compare     also answer the 0.3.0 way (client_java), at the sizes 0.3.0 could hold
     */
    private static Run mix(Benchmark.Options o, String mix, int bots, String heap, int scrapes, boolean compare)
            throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(o.java().toString()));
        cmd.addAll(ProcessBench.JVM_FLAGS.stream().map(f -> f.startsWith("-Xmx") ? heap : f).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ScrapeHarness.class.getName(), mix,
                Integer.toString(bots), Integer.toString(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(ProcessBench.ENV);
        Process p = pb.start();
        boolean large = !compare;
        // The ids name the full run's sizes, so a --tiny run prints the same rows.
        String id = large ? "scale.1000" : "scale." + mix;
        String what = "scale, " + bots + " bots, " + mix + " mix" + (large ? " (" + heap + ")" : "");
        double rssTarget = large ? 512 : 192;
        double scrapeTarget = large ? 500 : 100;
        List<Row> rows = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            double liveHeap = awaitReady(p) / (1024.0 * 1024);
            String url = "http://127.0.0.1:" + port;
            Memory memory = new Memory(p.pid());
            Thread sampler = Thread.ofPlatform().daemon().name("rss-" + mix).start(memory);
            long lines = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofLines()).body().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
            rows.add(Row.info(id + ".series", what + ": series (text lines)", lines, "series"));
            for (ScrapeRuns.Variant v : ScrapeRuns.ALL) {
                rows.addAll(ScrapeRuns.rows(id, what, ScrapeRuns.measure(http, url + "/metrics", v, scrapes,
                        Duration.ofMillis(20), p.toHandle()), scrapeTarget));
            }
            int pairs = o.tiny() ? 2 : 10;
            int ok = ScrapeRuns.concurrentPairs(http, url + "/metrics", pairs);
            rows.add(Row.atLeast(id + ".concurrent", what + ": two concurrent uncompressed scrapes, rounds"
                    + " answered (" + pairs + " rounds" + (p.isAlive() ? "" : ", process EXITED") + ")", ok, "rounds",
                    pairs));
            if (compare) {
                for (ScrapeRuns.Variant v : List.of(ScrapeRuns.ALL.get(5), ScrapeRuns.ALL.get(0))) {
                    ScrapeRuns.Result r = ScrapeRuns.measure(http, url + "/clientjava", v, o.tiny() ? 3 : 20,
                            Duration.ofMillis(20));
                    rows.add(Row.info(id + ".clientjava." + (v.gzip() ? "om" : "text"), what + ", " + v.name()
                            + " the 0.3.0 way (client_java snapshot + writer): p99" + (r.failed() > 0 ? " ("
                            + r.failed() + " FAILED)" : ""), r.p99(), "ms"));
                }
            }
            memory.stop();
            sampler.join();
            rows.add(Row.atMost(id + ".rss", what + ": RSS max while scraped (recommended flags, " + heap + ")",
                    memory.rss, "MiB", rssTarget));
            rows.add(Row.info(id + ".anon", what + ": anonymous memory (RssAnon) max while scraped", memory.anon,
                    "MiB"));
            rows.add(Row.info(id + ".heap", what + ": live heap once filled (after a full GC)", liveHeap, "MiB"));
            if (large) {
                rows.add(Row.info(id + ".heap.bot", what + ": live heap / bots", liveHeap * 1024 / bots, "KiB"));
            }
            rows.add(Row.atLeast(id + ".alive", what + ": process alive after all scrapes",
                    p.isAlive() ? 1 : 0, "1 = yes", 1));
            return new Run(rows, bots, lines, liveHeap, memory.rss, memory.anon);
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** Waits for the harness's ready line; returns the live heap it reports, in bytes. */
    private static long awaitReady(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("harness ready")) {
                Thread.ofPlatform().daemon().start(() -> drain(out));
                return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException("scrape harness exited with " + p.exitValue());
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // The child's log is not needed, only kept from blocking it.
            }
        } catch (IOException ignored) {
            // The child exited.
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** VmRSS and RssAnon every 200 ms. */
    private static final class Memory implements Runnable {
        private final long pid;
        private volatile boolean stopped;
        volatile double rss;
        volatile double anon;

        Memory(long pid) {
            this.pid = pid;
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    rss = Math.max(rss, BenchSupport.statusMiB(pid, "VmRSS"));
                    anon = Math.max(anon, BenchSupport.statusMiB(pid, "RssAnon"));
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException e) {
                stopped = true;
            }
        }

        void stop() {
            stopped = true;
        }
    }
}
