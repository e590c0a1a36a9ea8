package dev.koreexporter.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Secret;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.JwtTokenSource;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.Query;
import dev.koreexporter.kore.dto.Requests;
import dev.koreexporter.kore.dto.WireFormatException;
import dev.koreexporter.kore.dto.WireJson;
import dev.koreexporter.kore.dto.WirePages;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.poll.CheckpointStore;
import dev.koreexporter.poll.FileCheckpointStore;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.testing.MemoryCheckpointStore;
import dev.koreexporter.testing.TestConfig;
import dev.koreexporter.tracing.OtelTurnTracer;
import dev.koreexporter.tracing.TurnTracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * Turns per second from raw getMessagesV2 response bytes to updated meters (parse, map, dedupe, turn
 * assembly, metrics), single-threaded, against Jackson streaming through the same bytes and doing nothing else.
 */
final class IngestBench {
    private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();

    /** A captured response page and what it holds. */
    record Capture(byte[] body, String channel, int messages, int turns) {
        List<Message> messagesOf() throws WireFormatException {
            return WirePages.MESSAGES.read(body, channel, false).page().records();
        }
    }

    private IngestBench() {
    }

    static List<Row> run(boolean tiny) throws Exception {
        Capture page = capture(tiny ? 1_000 : 10_000);
        Duration budget = Duration.ofMillis(tiny ? 200 : 4_000);
        double[] rates;
        try (OtelTurnTracer tracer = OtelTurnTracer.forExporter(new ExporterConfig.Tracing(false), new NoopExporter());
             FreshStateDirs dirs = new FreshStateDirs()) {
            rates = rates(page, budget, List.of(
                    () -> () -> streamTokens(page.body()),
                    () -> ingest(page, TurnTracer.NONE, new MemoryCheckpointStore()),
                    () -> ingest(page, tracer, new MemoryCheckpointStore()),
                    () -> ingest(page, TurnTracer.NONE, new FileCheckpointStore(dirs.next()))));
        }
        double parseOnly = rates[0];
        double full = rates[1];
        double traced = rates[2];
        double withFile = rates[3];
        String size = String.format("%,d msgs/%,d turns, %,d KiB page", page.messages(), page.turns(),
                page.body().length / 1024);
        List<Row> rows = new ArrayList<>();
        rows.add(Row.info("ingest.parse", "ingest: Jackson streaming parse only (" + size + ")", parseOnly, "turns/s"));
        rows.add(Row.info("ingest.full", "ingest: bytes -> meters, tracing off, checkpoint in memory", full, "turns/s"));
        rows.add(Row.atLeast("ingest.ratio", "ingest: full / parse-only", full / parseOnly, "ratio", 0.5));
        rows.add(Row.info("ingest.traced", "ingest: bytes -> meters, tracing on (no-op exporter)", traced, "turns/s"));
        rows.add(Row.atMost("ingest.tracing", "ingest: tracing cost (1 - on/off)", 1 - traced / full, "ratio", 0.30));
        rows.add(Row.info("ingest.file", "ingest: bytes -> meters, checkpoint file written per page", withFile,
                "turns/s"));
        return rows;
    }

    /**
     * Turns per second of each work, after a warm-up, about {@code budget} each. Each work is prepared
     * untimed (what a running exporter has set up once: meters, state dir), then timed. The works take
     * turns, one run each round, so that the load of other jobs on a shared machine drifts alike for all
     * of them: run one after another, a busy spell during one of them skewed their ratios by up to 2x.
     */
    private static double[] rates(Capture page, Duration budget, List<Supplier<LongSupplier>> works) {
        long sink = 0;
        for (long end = System.nanoTime() + budget.toNanos() * works.size(); System.nanoTime() < end; ) {
            for (Supplier<LongSupplier> work : works) {
                sink += work.get().getAsLong();
            }
        }
        long[] nanos = new long[works.size()];
        int[] runs = new int[works.size()];
        long end = System.nanoTime() + budget.toNanos() * works.size();
        do {
            for (int i = 0; i < works.size(); i++) {
                LongSupplier run = works.get(i).get();
                long start = System.nanoTime();
                sink += run.getAsLong();
                nanos[i] += System.nanoTime() - start;
                runs[i]++;
            }
        } while (System.nanoTime() < end);
        if (sink == 42) {
            System.out.print("");
        }
        double[] rates = new double[works.size()];
        for (int i = 0; i < works.size(); i++) {
            rates[i] = runs[i] * (double) page.turns() / (nanos[i] / 1e9);
        }
        return rates;
    }

    /** A new state dir per run: a checkpoint left by the previous run would make every record a duplicate. */
    private static final class FreshStateDirs implements AutoCloseable {
        private Path current;

        Path next() {
            close();
            try {
                current = Files.createTempDirectory("kore-bench-state");
                return current;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (current == null) {
                return;
            }
            try (var files = Files.walk(current)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            current = null;
        }
    }

    static long streamTokens(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            long tokens = 0;
            while (p.nextToken() != null) {
                tokens++;
            }
            return tokens;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One poller cycle whose only non-empty listing is the captured page, mapped from its bytes. The meters
     * are registered untimed (once in a running exporter); their series are created in the timed run, as
     * for a bot's first page, and the poller's state is fresh so that nothing is a duplicate.
     */
    private static LongSupplier ingest(Capture page, TurnTracer tracer, CheckpointStore store) {
        KoreMetrics metrics = new KoreMetrics(new PrometheusRegistry(), Map.of(), "bench", new ManualClock(NOW));
        return () -> {
            ManualClock clock = new ManualClock(NOW);
            ExporterConfig.Bot bot = TestConfig.builder().bot("bench", "st-bench", "cs-bench", "x".repeat(32))
                    .set("bots[0].channels", List.of(page.channel())).bot();
            ExporterConfig.Poll poll = TestConfig.builder().set("poll.interval", Duration.ofSeconds(30))
                    .set("poll.lookback", Duration.ofMinutes(20)).set("poll.backfill", Duration.ofHours(6)).poll();
            BotPoller poller = new BotPoller(bot, poll, Duration.ofHours(1), new CapturedApi(page), ReadOptions.DEFAULT,
                    metrics, tracer, store, clock);
            poller.runCycle();
            return poller.status().cyclesCompleted();
        };
    }

    static Capture capture(int messages) throws Exception {
        ManualClock clock = new ManualClock(NOW);
        SimBot simBot = SimulatorOptions.DEMO_BOTS.get(0);
        String channel = simBot.channels().get(0);
        try (LabSimulator sim = LabSimulator.start(SimulatorOptions.defaults().withPort(0).withClock(clock)
                .withBots(List.of(simBot)).withHistory(Duration.ofHours(2)).withSessionsPerMinutePerBot(messages / 600.0)
                .withEnforceRateLimits(false))) {
            String token = new JwtTokenSource(simBot.clientId(), new Secret(simBot.clientSecret()), clock).token();
            byte[] request = WireJson.write(new Requests.Messages(WIRE.format(NOW.minus(Duration.ofHours(2))),
                    WIRE.format(NOW), channel, true, true, 0, messages, List.of(), null));
            HttpResponse<byte[]> response;
            try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                response = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/public/bot/"
                                + simBot.botId() + "/getMessagesV2"))
                        .header("auth", token).header("content-type", "application/json")
                        // As the exporter asks; uncompressed pages of several MB came back cut short here.
                        .header("accept-encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("simulator answered " + response.statusCode());
            }
            byte[] body = response.headers().firstValue("content-encoding").orElse("").contains("gzip")
                    ? new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes()
                    : response.body();
            Page<Message> mapped = WirePages.MESSAGES.read(body, channel, false).page();
            int turns = (int) mapped.records().stream().filter(Message::isTurn).count();
            return new Capture(body, channel, mapped.records().size(), turns);
        }
    }

    /** Serves the captured bytes for its channel (mapped through the client's own wire mapping), nothing else. */
    private record CapturedApi(Capture page) implements KoreApi {
        @Override
        @SuppressWarnings("unchecked")
        public <T extends KoreRecord> Iterable<Page<T>> pages(Listing<T> listing, Query query) {
            if (listing.endpoint() != Endpoint.GET_MESSAGES_V2 && listing.endpoint() != Endpoint.GET_MESSAGES) {
                return List.of();
            }
            return () -> List.of((Page<T>) map()).iterator();
        }

        private Page<Message> map() {
            try {
                return WirePages.MESSAGES.read(page.body(), page.channel(), false).page();
            } catch (WireFormatException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class NoopExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
