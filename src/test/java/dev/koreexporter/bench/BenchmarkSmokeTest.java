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
            "capacity.8.bound", "capacity.8", "capacity.8.ratio", "capacity.2.bound", "capacity.2", "capacity.2.ratio",
            "capacity.aa.8.bound", "capacity.aa.8", "capacity.aa.8.ratio", "capacity.aa.2.bound", "capacity.aa.2",
            "capacity.aa.2.ratio", "budget.1", "budget.10", "budget.100", "budget.sessions.1", "budget.030.1",
            "budget.sessions.10", "budget.030.10", "budget.sessions.100", "budget.030.100", "fresh.10.ontime.p50", "fresh.10.ontime.p99",
            "fresh.10.late.p50", "fresh.10.late.p99", "fresh.100.ontime.p50", "fresh.100.ontime.p99",
            "fresh.100.late.p50", "fresh.100.late.p99", "ingest.parse", "ingest.full", "ingest.ratio", "ingest.traced",
            "ingest.tracing", "ingest.file", "scrape.series", "scrape.p50", "scrape.p99", "startup.plain",
            "footprint.idle.rss", "footprint.idle.anon", "footprint.load", "footprint.rss", "footprint.rss.peak",
            "footprint.heap", "footprint.growth", "footprint.threads", "footprint.anon", "footprint.bot.anon",
            "footprint.loadavg", "scale.bots", "scale.rss", "scale.rss.peak", "scale.anon", "scale.cpu",
            "scale.cpu.warmup", "scale.metrics.bytes", "scale.metrics.series", "scale.scrape.p50", "scale.scrape.p99",
            "scale.scrape.failed", "scale.polling.om-gzip.p99", "scale.polling.om-gzip.p50",
            "scale.polling.om-gzip.bytes", "scale.polling.protobuf-gzip.p99", "scale.polling.protobuf-gzip.p50",
            "scale.polling.protobuf-gzip.bytes", "scale.polling.text-gzip.p99", "scale.polling.text-gzip.p50",
            "scale.polling.text-gzip.bytes", "scale.polling.om.p99", "scale.polling.om.p50", "scale.polling.om.bytes",
            "scale.polling.protobuf.p99", "scale.polling.protobuf.p50", "scale.polling.protobuf.bytes",
            "scale.polling.concurrent", "scale.realistic.series", "scale.realistic.om-gzip.p99",
            "scale.realistic.om-gzip.p50", "scale.realistic.om-gzip.bytes", "scale.realistic.om-gzip.cpu",
            "scale.realistic.protobuf-gzip.p99", "scale.realistic.protobuf-gzip.p50",
            "scale.realistic.protobuf-gzip.bytes", "scale.realistic.protobuf-gzip.cpu", "scale.realistic.text-gzip.p99",
            "scale.realistic.text-gzip.p50", "scale.realistic.text-gzip.bytes", "scale.realistic.text-gzip.cpu",
            "scale.realistic.om.p99", "scale.realistic.om.p50", "scale.realistic.om.bytes", "scale.realistic.om.cpu",
            "scale.realistic.protobuf.p99", "scale.realistic.protobuf.p50", "scale.realistic.protobuf.bytes",
            "scale.realistic.protobuf.cpu", "scale.realistic.text.p99", "scale.realistic.text.p50",
            "scale.realistic.text.bytes", "scale.realistic.text.cpu", "scale.realistic.concurrent",
            "scale.realistic.clientjava.text", "scale.realistic.clientjava.om", "scale.realistic.rss",
            "scale.realistic.anon", "scale.realistic.heap", "scale.realistic.alive", "scale.simulator.series",
            "scale.simulator.om-gzip.p99", "scale.simulator.om-gzip.p50", "scale.simulator.om-gzip.bytes",
            "scale.simulator.om-gzip.cpu", "scale.simulator.protobuf-gzip.p99", "scale.simulator.protobuf-gzip.p50",
            "scale.simulator.protobuf-gzip.bytes", "scale.simulator.protobuf-gzip.cpu", "scale.simulator.text-gzip.p99",
            "scale.simulator.text-gzip.p50", "scale.simulator.text-gzip.bytes", "scale.simulator.text-gzip.cpu",
            "scale.simulator.om.p99", "scale.simulator.om.p50", "scale.simulator.om.bytes", "scale.simulator.om.cpu",
            "scale.simulator.protobuf.p99", "scale.simulator.protobuf.p50", "scale.simulator.protobuf.bytes",
            "scale.simulator.protobuf.cpu", "scale.simulator.text.p99", "scale.simulator.text.p50",
            "scale.simulator.text.bytes", "scale.simulator.text.cpu", "scale.simulator.concurrent",
            "scale.simulator.clientjava.text", "scale.simulator.clientjava.om", "scale.simulator.rss",
            "scale.simulator.anon", "scale.simulator.heap", "scale.simulator.alive", "scale.1000.series",
            "scale.1000.om-gzip.p99", "scale.1000.om-gzip.p50", "scale.1000.om-gzip.bytes", "scale.1000.om-gzip.cpu",
            "scale.1000.protobuf-gzip.p99", "scale.1000.protobuf-gzip.p50", "scale.1000.protobuf-gzip.bytes",
            "scale.1000.protobuf-gzip.cpu", "scale.1000.text-gzip.p99", "scale.1000.text-gzip.p50",
            "scale.1000.text-gzip.bytes", "scale.1000.text-gzip.cpu", "scale.1000.om.p99", "scale.1000.om.p50",
            "scale.1000.om.bytes", "scale.1000.om.cpu", "scale.1000.protobuf.p99", "scale.1000.protobuf.p50",
            "scale.1000.protobuf.bytes", "scale.1000.protobuf.cpu", "scale.1000.text.p99", "scale.1000.text.p50",
            "scale.1000.text.bytes", "scale.1000.text.cpu", "scale.1000.concurrent", "scale.1000.rss",
            "scale.1000.anon", "scale.1000.heap", "scale.1000.heap.bot", "scale.1000.alive", "scale.bot.heap",
            "scale.series10k.heap", "scale.series10k.anon", "scale.loadavg", "replicas.db.writes", "replicas.db.requests",
            "replicas.db.wal", "replicas.checkpoint.bytes", "replicas.checkpoint.stored", "replicas.takeover", "api.minute", "api.hour", "api.throttled");

    @Test
    void tinyRunPrintsEveryRowWithSaneValues() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Benchmark.Options options = new Benchmark.Options(true, Benchmark.SECTIONS, Benchmark.javaLauncher(),
                Benchmark.exporterLaunch(true));
        List<Row> rows = Benchmark.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertEquals(ROWS, rows.stream().map(Row::id).toList());

        Map<String, Row> byId = rows.stream().collect(Collectors.toMap(Row::id, Function.identity()));
        for (Row r : rows) {
            assertTrue(Double.isFinite(r.value()), r.id() + " = " + r.value());
            assertTrue(r.label().length() > 5 && !r.unit().isBlank(), r.id());
        }
        // The simulator counted requests, the client never exceeded Kore.ai's limits, and the runs were exact.
        for (String id : List.of("capacity.8", "capacity.2", "capacity.aa.8", "capacity.aa.2")) {
            assertTrue(byId.get(id).value() > 0, id + ": the tiny run kept up");
            assertTrue(byId.get(id + ".bound").value() > byId.get(id).value(), id + ": the bound is the busy rate");
        }
        assertTrue(byId.get("capacity.aa.8.bound").value() < byId.get("capacity.8.bound").value(),
                "Agent AI pages of 20 cost capacity");
        assertTrue(byId.get("capacity.2.bound").value() > byId.get("capacity.8.bound").value(),
                "rarer sweeps leave room for more traffic");
        assertTrue(byId.get("budget.1").value() > 0 && byId.get("budget.10").value() >= byId.get("budget.1").value());
        assertTrue(byId.get("api.minute").value() <= 60 && byId.get("api.hour").value() <= 1800);
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
        // Every bot was polled and exported; the exporter worked and its scrapes were timed.
        assertTrue(byId.get("scale.rss.peak").value() >= byId.get("scale.rss").value());
        // Steady CPU over the tiny run's 5 s of an idle exporter can round to 0 clock ticks; start-up cannot.
        assertTrue(byId.get("scale.cpu").value() >= 0 && byId.get("scale.cpu.warmup").value() > 0);
        assertTrue(byId.get("scale.metrics.series").value() > 100 * byId.get("scale.bots").value(),
                "series " + byId.get("scale.metrics.series").value());
        assertTrue(byId.get("scale.scrape.p99").value() >= byId.get("scale.scrape.p50").value());
        assertEquals(0, byId.get("scale.scrape.failed").value());
        // Memory in parts: anonymous memory is part of the resident set; more bots, more series.
        for (String id : List.of("footprint.idle", "scale.realistic", "scale.simulator", "scale.1000")) {
            double anon = byId.get(id + ".anon").value();
            assertTrue(anon > 0 && anon <= byId.get(id + ".rss").value(), id + ": anon " + anon);
        }
        assertTrue(byId.get("scale.1000.series").value() > byId.get("scale.realistic.series").value());
        assertTrue(byId.get("scale.1000.heap").value() > 0 && byId.get("scale.1000.alive").value() == 1);
        // Replicas on PostgreSQL: the database was written, checkpoints are there, and the victim's bots came back.
        assertTrue(byId.get("replicas.db.writes").value() > 0 && byId.get("replicas.checkpoint.bytes").value() > 0);
        assertTrue(byId.get("replicas.checkpoint.stored").value() > 0);
        assertTrue(byId.get("replicas.takeover").value() < 60, "takeover " + byId.get("replicas.takeover").value());

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        Benchmark.print(rows, new PrintStream(table, true, StandardCharsets.UTF_8));
        String text = table.toString(StandardCharsets.UTF_8);
        assertEquals(rows.size() + 2, text.lines().count(), text);
        rows.forEach(r -> assertTrue(text.contains(r.label()), r.label()));
    }
}
