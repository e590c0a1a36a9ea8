package dev.koreexporter.bench;

import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;

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
import java.util.Locale;
import java.util.UUID;

/**
 * Many bots on one replica: a separate exporter JVM (recommended flags) polling 100 simulated bots at ordinary
 * traffic (3 sessions/min each) at Kore.ai's real rate limits on the system clock. Warm-up lasts until every
 * bot finished its first cycle (the 1 h backfill); then its CPU time is read over a measured period without
 * scrapes, and /metrics is scraped while the pollers go on. RSS is sampled every second throughout.
 */
final class ScaleBench {
    /** Voice channels; a bot reads one or two of them. */
    private static final String[] CHANNELS = {"korevg", "ivrVoice", "twiliovoice", "audiocodes"};
    /** The scrapes stop after this long even when fewer than asked for were done (slow scrapes). */
    private static final Duration SCRAPE_TIME = Duration.ofSeconds(150);

    private ScaleBench() {
    }

    static List<Row> run(Benchmark.Options o) throws Exception {
        int botCount = o.tiny() ? 4 : 100;
        Duration measured = o.tiny() ? Duration.ofSeconds(5) : Duration.ofSeconds(90);
        int scrapes = o.tiny() ? 20 : 200;
        Path dir = Files.createTempDirectory("kore-bench-scale");
        try (LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults().withPort(0).withBots(bots(botCount)));
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            ProcessBench.Exporter exporter = ProcessBench.Exporter.start(o, sim, dir, List.of());
            try {
                RssSampler rss = new RssSampler(exporter);
                Thread sampler = Thread.ofPlatform().daemon().name("rss-sampler").start(rss);
                double warmUpSeconds = exporter.await("/health/ready", Duration.ofMinutes(5));
                double warmUpCpu = exporter.cpuSeconds();
                rss.warmedUp();

                long start = System.nanoTime();
                Thread.sleep(measured.toMillis());
                double cpu = exporter.cpuSeconds() - warmUpCpu;
                double hours = (System.nanoTime() - start) / 3.6e12;

                HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
                        .build();
                String body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
                Files.writeString(dir.resolve("metrics.txt"), body);
                List<Double> times = new ArrayList<>();
                int failed = 0;
                long scrapeDeadline = System.nanoTime() + SCRAPE_TIME.toNanos();
                while (times.size() + failed < scrapes && System.nanoTime() < scrapeDeadline) {
                    long t = System.nanoTime();
                    if (scrape(http, get)) {
                        times.add((System.nanoTime() - t) / 1e6);
                    } else {
                        failed++;
                    }
                    // About one scrape every 100 ms plus its own time: the pollers, not the scrapes, should keep
                    // the exporter busy.
                    Thread.sleep(100);
                }
                double[] ms = times.stream().mapToDouble(Double::doubleValue).toArray();
                Arrays.sort(ms);
                rss.stop();
                sampler.join();
                long series = body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
                System.out.printf(Locale.ROOT, "scale: %d bots, ready after %.1f s, in %s, exporter JVM flags %s%n",
                        botCount, warmUpSeconds, dir, String.join(" ", ProcessBench.JVM_FLAGS));
                return List.of(
                        Row.info("scale.bots", "scale: bots on one replica (3 sessions/min each)", botCount, "bots"),
                        Row.atMost("scale.rss", "scale: RSS after warm-up, max (recommended flags)", rss.maxAfterWarmUp(),
                                "MiB", 192),
                        Row.info("scale.rss.peak", "scale: RSS peak incl. first backfill", rss.max(), "MiB"),
                        Row.info("scale.cpu", "scale: CPU per bot-hour, steady (" + measured.toSeconds() + " s)",
                                cpu / botCount / hours, "s"),
                        Row.info("scale.cpu.warmup", "scale: CPU of start-up and first backfill, all bots", warmUpCpu, "s"),
                        Row.info("scale.metrics.bytes", "/metrics at " + botCount + " bots: size",
                                body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, "bytes"),
                        Row.info("scale.metrics.series", "/metrics at " + botCount + " bots: series", series, "series"),
                        Row.info("scale.scrape.p50", "/metrics at " + botCount + " bots: scrape p50 (" + ms.length
                                + " scrapes, pollers running)", percentile(ms, 0.50), "ms"),
                        Row.atMost("scale.scrape.p99", "/metrics at " + botCount + " bots: scrape p99",
                                percentile(ms, 0.99), "ms", 100),
                        Row.atMost("scale.scrape.failed", "/metrics at " + botCount + " bots: failed scrapes"
                                + (exporter.process().isAlive() ? "" : " (exporter exited)"), failed, "scrapes", 0));
            } finally {
                exporter.stop();
            }
        }
    }

    /**
     * Distinct bots with a realistic mix: every bot on voice, a third on two channels, every third with an
     * Agent AI account.
     */
    static List<SimBot> bots(int n) {
        List<SimBot> bots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = String.format(Locale.ROOT, "voice-%03d", i);
            List<String> channels = i % 3 == 1
                    ? List.of(CHANNELS[i % CHANNELS.length], CHANNELS[(i + 1) % CHANNELS.length])
                    : List.of(CHANNELS[i % CHANNELS.length]);
            String accountId = i % 3 == 0 ? String.format(Locale.ROOT, "66eaa0843a8348c1e5%06x", i) : null;
            bots.add(new SimBot(name, "st-" + uuid("kore-scale-bot/" + name), "cs-" + uuid("kore-scale-app/" + name),
                    "scale-" + name + "-secret-0123456789abcdef", accountId, channels));
        }
        return bots;
    }

    private static UUID uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** NaN when no scrape succeeded (the row then says so instead of the section failing). */
    private static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : ScrapeBench.percentile(sorted, p);
    }

    /** One scrape, the body read and dropped; false when it failed (no answer, or not 200). */
    private static boolean scrape(HttpClient http, HttpRequest get) throws InterruptedException {
        try {
            return http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** VmRSS every second, split at the end of the warm-up. */
    private static final class RssSampler implements Runnable {
        private final ProcessBench.Exporter exporter;
        private volatile boolean warm;
        private volatile boolean stopped;
        private volatile double max;
        private volatile double maxAfterWarmUp;

        RssSampler(ProcessBench.Exporter exporter) {
            this.exporter = exporter;
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    double rss = exporter.rssMiB();
                    max = Math.max(max, rss);
                    if (warm) {
                        maxAfterWarmUp = Math.max(maxAfterWarmUp, rss);
                    }
                    Thread.sleep(1000);
                }
            } catch (Exception e) {
                stopped = true;
            }
        }

        void warmedUp() throws java.io.IOException {
            maxAfterWarmUp = exporter.rssMiB();
            warm = true;
        }

        void stop() {
            stopped = true;
        }

        double max() {
            return max;
        }

        double maxAfterWarmUp() {
            return maxAfterWarmUp;
        }
    }
}
