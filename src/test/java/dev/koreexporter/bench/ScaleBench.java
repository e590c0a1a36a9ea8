package dev.koreexporter.bench;

import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;

import java.io.IOException;
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
import java.util.Locale;
import java.util.UUID;

/**
 * Many bots on one replica: a separate exporter JVM (recommended flags) polling 100 simulated bots at ordinary
 * traffic (3 sessions/min each) at Kore.ai's real rate limits on the system clock. Warm-up lasts until every
 * bot finished its first cycle (the 1 h backfill); then its CPU time is read over a measured period without
 * scrapes, and /metrics is scraped while the pollers go on, in every format with and without gzip, and two
 * scrapes at once. RSS is sampled every second throughout. Then {@link ScaleScrapeBench}: the scrape path alone.
 */
final class ScaleBench {
    /** Voice channels; a bot reads one or two of them. */
    private static final String[] CHANNELS = {"korevg", "ivrVoice", "twiliovoice", "audiocodes"};

    private ScaleBench() {
    }

    /** The exporter polling 100 simulated bots, then the scrape path alone in both label mixes. */
    static List<Row> run(Benchmark.Options o) throws Exception {
        List<Row> rows = new ArrayList<>(polling(o));
        rows.addAll(ScaleScrapeBench.run(o));
        rows.add(BenchSupport.loadAverage("scale"));
        return rows;
    }

    private static List<Row> polling(Benchmark.Options o) throws Exception {
        int botCount = o.tiny() ? 4 : 100;
        Duration measured = o.tiny() ? Duration.ofSeconds(5) : Duration.ofSeconds(90);
        int scrapes = o.tiny() ? 3 : 50;
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

                String url = "http://127.0.0.1:" + exporter.port() + "/metrics";
                HttpRequest get = HttpRequest.newBuilder(URI.create(url)).build();
                String body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
                Files.writeString(dir.resolve("metrics.txt"), body);
                // Every way Prometheus and people scrape, while the pollers go on; about one scrape every 100 ms
                // plus its own time: the pollers, not the scrapes, should keep the exporter busy.
                List<ScrapeRuns.Result> results = new ArrayList<>();
                for (ScrapeRuns.Variant v : ScrapeRuns.ALL) {
                    results.add(ScrapeRuns.measure(http, url, v, scrapes, Duration.ofMillis(100)));
                }
                int pairs = o.tiny() ? 2 : 10;
                int pairsOk = ScrapeRuns.concurrentPairs(http, url, pairs);
                ScrapeRuns.Result text = results.get(ScrapeRuns.ALL.size() - 1);
                int failed = results.stream().mapToInt(ScrapeRuns.Result::failed).sum();
                rss.stop();
                sampler.join();
                long series = body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
                System.out.printf(Locale.ROOT, "scale: %d bots, ready after %.1f s, in %s, exporter JVM flags %s%n",
                        botCount, warmUpSeconds, dir, String.join(" ", ProcessBench.JVM_FLAGS));
                List<Row> rows = new ArrayList<>(List.of(
                        Row.info("scale.bots", "scale: bots on one replica (3 sessions/min each)", botCount, "bots"),
                        Row.atMost("scale.rss", "scale: RSS after warm-up, max (recommended flags)", rss.maxAfterWarmUp(),
                                "MiB", 192),
                        Row.info("scale.rss.peak", "scale: RSS peak incl. first backfill", rss.max(), "MiB"),
                        Row.info("scale.anon", "scale: anonymous memory (RssAnon) after warm-up, max",
                                rss.maxAnonAfterWarmUp(), "MiB"),
                        Row.info("scale.cpu", "scale: CPU per bot-hour, steady (" + measured.toSeconds() + " s)",
                                cpu / botCount / hours, "s"),
                        Row.info("scale.cpu.warmup", "scale: CPU of start-up and first backfill, all bots", warmUpCpu, "s"),
                        Row.info("scale.metrics.bytes", "/metrics at " + botCount + " bots: size",
                                body.getBytes(StandardCharsets.UTF_8).length, "bytes"),
                        Row.info("scale.metrics.series", "/metrics at " + botCount + " bots: series", series, "series"),
                        Row.info("scale.scrape.p50", "/metrics at " + botCount + " bots: scrape p50, plain text ("
                                + text.scrapes() + " scrapes, pollers running)", text.p50(), "ms"),
                        Row.atMost("scale.scrape.p99", "/metrics at " + botCount + " bots: scrape p99, plain text",
                                text.p99(), "ms", 100),
                        Row.atMost("scale.scrape.failed", "/metrics at " + botCount + " bots: failed scrapes"
                                + (exporter.process().isAlive() ? "" : " (exporter exited)"), failed, "scrapes", 0)));
                for (ScrapeRuns.Result r : results.subList(0, results.size() - 1)) {
                    rows.addAll(ScrapeRuns.rows("scale.polling", "/metrics at " + botCount + " bots, pollers running",
                            r, 100));
                }
                rows.add(Row.atLeast("scale.polling.concurrent", "/metrics at " + botCount + " bots: two concurrent"
                        + " uncompressed scrapes, rounds answered (" + pairs + " rounds" + (exporter.process().isAlive()
                        ? "" : ", exporter EXITED") + ")", pairsOk, "rounds", pairs));
                return rows;
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
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
    }

    /** VmRSS (and RssAnon after the warm-up) every second, split at the end of the warm-up. */
    private static final class RssSampler implements Runnable {
        private final ProcessBench.Exporter exporter;
        private volatile boolean warm;
        private volatile boolean stopped;
        private volatile double max;
        private volatile double maxAfterWarmUp;
        private volatile double maxAnonAfterWarmUp;

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
                        maxAnonAfterWarmUp = Math.max(maxAnonAfterWarmUp, exporter.anonMiB());
                    }
                    Thread.sleep(1000);
                }
            } catch (Exception e) {
                stopped = true;
            }
        }

        void warmedUp() throws IOException {
            maxAfterWarmUp = exporter.rssMiB();
            maxAnonAfterWarmUp = exporter.anonMiB();
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

        double maxAnonAfterWarmUp() {
            return maxAnonAfterWarmUp;
        }
    }
}
