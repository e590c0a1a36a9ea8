package dev.koreexporter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Scrapes a {@code /metrics} URL the ways Prometheus and people do (README "Performance and sizing"): the
 * {@code Accept} header Prometheus 2.42-2.55 sends (OpenMetrics), the one it sends with native histograms on
 * (protobuf), and none (plain text), each with and without {@code Accept-Encoding: gzip}; the time until the
 * last byte and the bytes on the wire.
 */
final class ScrapeRuns {
    static final String OPENMETRICS = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
            + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    static final String PROTOBUF = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;"
            + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /** One way to scrape; {@code id} names its rows. */
    record Variant(String id, String name, String accept, boolean gzip) {
    }

    static final List<Variant> ALL = List.of(
            new Variant("om-gzip", "OpenMetrics+gzip (Prometheus)", OPENMETRICS, true),
            new Variant("protobuf-gzip", "protobuf+gzip (Prometheus, native histograms)", PROTOBUF, true),
            new Variant("text-gzip", "text+gzip", null, true),
            new Variant("om", "OpenMetrics", OPENMETRICS, false),
            new Variant("protobuf", "protobuf", PROTOBUF, false),
            new Variant("text", "text", null, false));

    /**
     * What the scrapes of one variant took; NaN times when none succeeded. {@code cpuMs}: the server process's
     * CPU time per scrape (NaN when not measured), which a shared machine's load does not inflate.
     */
    record Result(Variant variant, double p50, double p99, long bytes, int failed, int scrapes, double cpuMs) {
    }

    private ScrapeRuns() {
    }

    /** {@code scrapes} timed scrapes (after two untimed ones), {@code pause} apart. */
    static Result measure(HttpClient http, String url, Variant v, int scrapes, Duration pause)
            throws InterruptedException {
        return measure(http, url, v, scrapes, pause, null);
    }

    /** @param server the scraped process, whose CPU time is read before and after (null: not measured) */
    static Result measure(HttpClient http, String url, Variant v, int scrapes, Duration pause, ProcessHandle server)
            throws InterruptedException {
        scrape(http, url, v);
        scrape(http, url, v);
        Duration cpuBefore = server == null ? null : server.info().totalCpuDuration().orElse(null);
        List<Double> ms = new ArrayList<>();
        long bytes = 0;
        int failed = 0;
        for (int i = 0; i < scrapes; i++) {
            long start = System.nanoTime();
            long n = scrape(http, url, v);
            if (n < 0) {
                failed++;
            } else {
                ms.add((System.nanoTime() - start) / 1e6);
                bytes = n;
            }
            Thread.sleep(pause.toMillis());
        }
        double cpuMs = Double.NaN;
        if (cpuBefore != null) {
            // The pauses are idle time, but a server with its own load (pollers) spends CPU in them too.
            cpuMs = server.info().totalCpuDuration().map(c -> c.minus(cpuBefore).toNanos() / 1e6 / scrapes)
                    .orElse(Double.NaN);
        }
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(v, percentile(sorted, 0.5), percentile(sorted, 0.99), bytes, failed, scrapes, cpuMs);
    }

    /**
     * {@code rounds} times two scrapes at once that cannot share a render (uncompressed text and OpenMetrics):
     * the number of rounds in which both answered 200.
     */
    static int concurrentPairs(HttpClient http, String url, int rounds) {
        int ok = 0;
        for (int i = 0; i < rounds; i++) {
            CompletableFuture<Long> a = CompletableFuture.supplyAsync(() -> scrape(http, url, ALL.get(5)));
            CompletableFuture<Long> b = CompletableFuture.supplyAsync(() -> scrape(http, url, ALL.get(3)));
            if (a.join() >= 0 && b.join() >= 0) {
                ok++;
            }
        }
        return ok;
    }

    /** Bytes received (compressed when gzip), or -1 when the scrape failed. */
    static long scrape(HttpClient http, String url, Variant v) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (v.accept() != null) {
            b.header("Accept", v.accept());
        }
        if (v.gzip()) {
            b.header("Accept-Encoding", "gzip");
        }
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            long n = 0;
            try (InputStream body = r.body()) {
                byte[] buffer = new byte[64 * 1024];
                for (int k; (k = body.read(buffer)) >= 0; ) {
                    n += k;
                }
            }
            return r.statusCode() == 200 ? n : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : ScrapeBench.percentile(sorted, p);
    }

    /** A row per figure of one result: p99 against the target; p50, bytes and CPU (when measured) for context. */
    static List<Row> rows(String id, String what, Result r, double targetMs) {
        String name = r.variant().name();
        String key = id + "." + r.variant().id();
        List<Row> rows = new ArrayList<>(List.of(
                Row.atMost(key + ".p99", what + ", " + name + ": p99 (" + r.scrapes() + " scrapes"
                        + (r.failed() > 0 ? ", " + r.failed() + " FAILED" : "") + ")", r.p99(), "ms", targetMs),
                Row.info(key + ".p50", what + ", " + name + ": p50", r.p50(), "ms"),
                Row.info(key + ".bytes", what + ", " + name + ": bytes on the wire", r.bytes(), "bytes")));
        if (!Double.isNaN(r.cpuMs())) {
            rows.add(Row.info(key + ".cpu", what + ", " + name + ": server CPU per scrape", r.cpuMs(), "ms"));
        }
        return rows;
    }
}
