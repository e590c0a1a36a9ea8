package dev.koreexporter.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's tiny mode runs end to end and prints every row with sane values (no timing assertions). */
class BenchmarkSmokeTest {
    private static final List<String> ROWS = List.of(
            "api.exporter", "api.naive", "api.ratio", "api.ratio.busy", "api.ratio.noaa", "api.cycle", "api.cycle.max",
            "api.cycle.busy.mean", "api.cycle.busy", "api.minute", "api.hour", "api.throttled",
            "ingest.parse", "ingest.full", "ingest.ratio", "ingest.traced", "ingest.tracing", "ingest.file",
            "scrape.series", "scrape.p50", "scrape.p99",
            "startup.plain",
            "footprint.load", "footprint.rss", "footprint.rss.peak", "footprint.heap", "footprint.growth",
            "footprint.threads");

    @Test
    void tinyRunPrintsEveryRowWithSaneValues() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Benchmark.Options options = new Benchmark.Options(true, false, Benchmark.SECTIONS, Benchmark.javaLauncher(),
                Benchmark.exporterLaunch(true));
        List<Row> rows = Benchmark.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertEquals(ROWS, rows.stream().map(Row::id).toList());

        Map<String, Row> byId = rows.stream().collect(Collectors.toMap(Row::id, Function.identity()));
        for (Row r : rows) {
            assertTrue(Double.isFinite(r.value()), r.id() + " = " + r.value());
            assertTrue(r.label().length() > 5 && !r.unit().isBlank(), r.id());
        }
        // The simulator counted requests on both sides, and the client never exceeded Kore.ai's limits.
        assertTrue(byId.get("api.exporter").value() > 0 && byId.get("api.naive").value() > 0);
        assertEquals(byId.get("api.exporter").value() / byId.get("api.naive").value(), byId.get("api.ratio").value(), 1e-9);
        assertTrue(byId.get("api.minute").value() <= 60 && byId.get("api.hour").value() <= 1800);
        assertTrue(byId.get("api.cycle.max").value() >= byId.get("api.cycle").value());
        assertEquals(0, byId.get("api.throttled").value());
        // Work was done and measured: rates positive, the parse-only baseline is the faster one.
        for (String id : List.of("ingest.parse", "ingest.full", "ingest.traced", "ingest.file", "scrape.p50")) {
            assertTrue(byId.get(id).value() > 0, id);
        }
        assertTrue(byId.get("ingest.ratio").value() > 0 && byId.get("ingest.ratio").value() < 1.5);
        assertTrue(byId.get("scrape.series").value() >= 500, "series " + byId.get("scrape.series").value());
        assertTrue(byId.get("scrape.p99").value() >= byId.get("scrape.p50").value());
        assertTrue(byId.get("startup.plain").value() > 0 && byId.get("startup.plain").value() < 60);
        double rss = byId.get("footprint.rss").value();
        assertTrue(rss > 20 && rss < 2048, "RSS " + rss + " MiB");
        assertTrue(byId.get("footprint.heap").value() > 0 && byId.get("footprint.heap").value() <= 64,
                "heap within -Xmx64m");

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        Benchmark.print(rows, new PrintStream(table, true, StandardCharsets.UTF_8));
        String text = table.toString(StandardCharsets.UTF_8);
        assertEquals(rows.size() + 2, text.lines().count(), text);
        rows.forEach(r -> assertTrue(text.contains(r.label()), r.label()));
    }
}
