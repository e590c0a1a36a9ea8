package dev.koreexporter.tracing;

import dev.koreexporter.Daemon;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;
import dev.koreexporter.metrics.OtlpPush;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Message;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import dev.koreexporter.testing.ManualClock;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * The whole daemon in process against the in-process simulator on a fixed clock, its tracer built from
 * {@code OTEL_*} variables like in production. One cycle runs (the first: a backfill of an hour); ground
 * truth is what the simulator generated in that hour and showed by then.
 */
final class TracedDaemon implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");
    static final Instant FLOOR = T0.minus(Duration.ofHours(1));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final ManualClock clock = new ManualClock(T0);
    final LabSimulator sim;
    final OtelTurnTracer tracer;
    final Daemon daemon;
    /** Errors that would have ended the process: none, or the test fails when closing. */
    final List<Error> fatal = new CopyOnWriteArrayList<>();

    TracedDaemon(double sessionsPerMinutePerBot, Map<String, String> otelEnv, Path stateDir) {
        sim = LabSimulator.start(SimulatorOptions.defaults().withPort(0).withSeed(14).withClock(clock)
                .withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(sessionsPerMinutePerBot)
                .withMaxLateness(Duration.ofMinutes(2)));
        ExporterConfig config = ConfigLoader.loadYaml(yaml(stateDir), "test", Map.of()).config();
        tracer = OtelTurnTracer.fromEnvironment(config.tracing(), otelEnv);
        // The kore_* series pushed over OTLP too when otelEnv says so (OTEL_METRICS_EXPORTER), as in production.
        daemon = Daemon.start(config, Shard.ALL, clock, tracer, OtlpPush.fromEnvironment(otelEnv), fatal::add);
    }

    private String yaml(Path stateDir) {
        StringBuilder y = new StringBuilder()
                .append("server:\n  port: 0\n  host: 127.0.0.1\n")
                .append("kore:\n  base-url: ").append(sim.baseUrl()).append("\n  timeout: 10s\n")
                .append("poll:\n  interval: 1h\n  backfill: 1h\n")
                .append("state:\n  dir: ").append(stateDir).append('\n')
                .append("bots:\n");
        for (SimBot b : sim.bots()) {
            y.append("  - name: ").append(b.name()).append('\n')
                    .append("    id: ").append(b.botId()).append('\n')
                    .append("    client-id: ").append(b.clientId()).append('\n')
                    .append("    client-secret: \"").append(b.clientSecret()).append("\"\n")
                    .append(b.accountId() == null ? "" : "    account-id: " + b.accountId() + "\n")
                    .append("    channels: ").append(b.channels()).append('\n');
        }
        return y.toString();
    }

    /** Until every bot has finished its first cycle (the backfill). */
    void awaitBackfill() {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> get("/health/ready", "*/*").statusCode() == 200);
    }

    HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + path))
                .header("Accept", accept).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String openMetrics() throws IOException, InterruptedException {
        return get("/metrics", "application/openmetrics-text; version=1.0.0").body();
    }

    /** A turn as ground truth has it, with the traceId the exporter should link (null: none). */
    record Turn(String botId, Message message, String koreTraceId) {
    }

    /**
     * Every turn counted (valid, not developer traffic) with a span (a valid totalMs), created in the backfill
     * hour and visible by its end, over all bots.
     */
    List<Turn> turns() {
        GroundTruth truth = sim.groundTruth();
        List<Turn> turns = new ArrayList<>();
        for (SimBot bot : sim.bots()) {
            List<Message> counted = truth.messages(bot.botId(), FLOOR, T0, T0).stream()
                    .filter(t -> t.counted(false)).map(TruthMessage::observedMessage).toList();
            // The user message a turn answers: the session's latest incoming message counted, created no later.
            Map<String, List<Message>> incomingBySession = new HashMap<>();
            counted.stream().filter(m -> m.direction() == Direction.INCOMING && m.sessionId() != null)
                    .forEach(m -> incomingBySession.computeIfAbsent(m.sessionId(), k -> new ArrayList<>()).add(m));
            for (Message m : counted) {
                if (m.isTurn() && m.latency().totalMs() != null) {
                    String traceId = incomingBySession.getOrDefault(m.sessionId(), List.of()).stream()
                            .filter(i -> !i.createdOn().isAfter(m.createdOn()))
                            .max(Comparator.comparing(Message::createdOn)).map(Message::traceId).orElse(null);
                    turns.add(new Turn(bot.botId(), m, traceId));
                }
            }
        }
        return turns;
    }

    /** Sessions started in the backfill hour and shown closed by its end. */
    List<TruthSession> closedSessions() {
        List<TruthSession> closed = new ArrayList<>();
        for (SimBot bot : sim.bots()) {
            sim.groundTruth().sessions(bot.botId(), T0).stream()
                    .filter(s -> s.counted(false) && s.session().closed() && !s.session().start().isBefore(FLOOR)
                            && !s.visibleClosedAt().isAfter(T0))
                    .forEach(closed::add);
        }
        return closed;
    }

    @Override
    public void close() {
        tracer.stopWaiting();
        daemon.close();
        tracer.close();
        sim.close();
        if (!fatal.isEmpty()) {
            throw new AssertionError("fatal errors in the daemon: " + fatal, fatal.getFirst());
        }
    }
}
