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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The scrape path alone at 100 bots, in a child JVM with the recommended flags ({@link ScrapeHarness}): the
 * simulator's label mix and a realistic one (2 channels, 2 languages, 1 ASR, 1 TTS provider), every format with
 * and without gzip, two concurrent scrapes, RSS; and the same series answered 0.3.0's way (a client_java
 * snapshot and writer) for comparison.
 */
final class ScaleScrapeBench {
    private ScaleScrapeBench() {
    }

    static List<Row> run(Benchmark.Options o) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String mix : List.of("realistic", "simulator")) {
            rows.addAll(mix(o, mix));
        }
        return rows;
    }

    private static List<Row> mix(Benchmark.Options o, String mix) throws Exception {
        int bots = o.tiny() ? 4 : 100;
        int scrapes = o.tiny() ? 5 : 100;
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(o.java().toString()));
        cmd.addAll(ProcessBench.JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ScrapeHarness.class.getName(), mix,
                Integer.toString(bots), Integer.toString(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(ProcessBench.ENV);
        Process p = pb.start();
        String what = "scale, " + bots + " bots, " + mix + " mix";
        List<Row> rows = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            awaitReady(p);
            String url = "http://127.0.0.1:" + port;
            Rss rss = new Rss(p.pid());
            Thread sampler = Thread.ofPlatform().daemon().name("rss-" + mix).start(rss);
            String body = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
            long lines = body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
            rows.add(Row.info("scale." + mix + ".series", what + ": series (text lines)", lines, "series"));
            for (ScrapeRuns.Variant v : ScrapeRuns.ALL) {
                rows.addAll(ScrapeRuns.rows("scale." + mix, what, ScrapeRuns.measure(http, url + "/metrics", v, scrapes,
                        Duration.ofMillis(20), p.toHandle()), 100));
            }
            int pairs = o.tiny() ? 2 : 10;
            int ok = ScrapeRuns.concurrentPairs(http, url + "/metrics", pairs);
            rows.add(Row.atLeast("scale." + mix + ".concurrent", what + ": two concurrent uncompressed scrapes, rounds"
                    + " answered (" + pairs + " rounds" + (p.isAlive() ? "" : ", process EXITED") + ")", ok, "rounds",
                    pairs));
            for (ScrapeRuns.Variant v : List.of(ScrapeRuns.ALL.get(5), ScrapeRuns.ALL.get(0))) {
                ScrapeRuns.Result r = ScrapeRuns.measure(http, url + "/clientjava", v, o.tiny() ? 3 : 20,
                        Duration.ofMillis(20));
                rows.add(Row.info("scale." + mix + ".clientjava." + (v.gzip() ? "om" : "text"), what + ", " + v.name()
                        + " the 0.3.0 way (client_java snapshot + writer): p99" + (r.failed() > 0 ? " (" + r.failed()
                        + " FAILED)" : ""), r.p99(), "ms"));
            }
            rss.stop();
            sampler.join();
            rows.add(Row.atMost("scale." + mix + ".rss", what + ": RSS max while scraped (recommended flags, -Xmx64m)",
                    rss.max, "MiB", 192));
            rows.add(Row.atLeast("scale." + mix + ".alive", what + ": process alive after all scrapes",
                    p.isAlive() ? 1 : 0, "1 = yes", 1));
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        return rows;
    }

    private static void awaitReady(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("harness ready")) {
                Thread.ofPlatform().daemon().start(() -> drain(out));
                return;
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

    /** VmRSS every 200 ms. */
    private static final class Rss implements Runnable {
        private final long pid;
        private volatile boolean stopped;
        volatile double max;

        Rss(long pid) {
            this.pid = pid;
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                        if (line.startsWith("VmRSS:")) {
                            max = Math.max(max, Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
                        }
                    }
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
