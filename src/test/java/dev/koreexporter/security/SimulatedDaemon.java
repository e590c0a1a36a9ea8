package dev.koreexporter.security;

import dev.koreexporter.Daemon;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;
import dev.koreexporter.tracing.OtelTurnTracer;
import io.helidon.logging.common.LogConfig;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.net.ssl.SSLContext;

import static org.awaitility.Awaitility.await;

/**
 * The whole daemon, in process, against the in-process simulator on a fixed clock, with every JUL record
 * and every span kept for inspection. {@code configBots} may differ from the simulator's bots (wrong
 * secrets); {@code serverYaml} is appended under {@code server:}.
 */
final class SimulatedDaemon implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");

    final ManualClock clock = new ManualClock(T0);
    final LabSimulator sim;
    final Daemon daemon;
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final OtelTurnTracer tracer;
    final String configYaml;
    private final List<String> logs = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    /** Ours at every level (a debug line must not leak either); libraries at their default, INFO. */
    private final Logger ours = Logger.getLogger("dev.koreexporter");
    private final Handler capture = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            // The formatted line plus the stack trace with every cause's message.
            logs.add(format.format(r) + " | raw: " + r.getMessage() + " " + Arrays.toString(r.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Level oursLevel;
    private boolean stopped;
    private HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String scheme = "http";
    private String authorization;

    SimulatedDaemon(List<SimBot> simBots, List<SimBot> configBots, boolean includeText, String serverYaml,
                    Path stateDir) {
        // Helidon (re)reads the logging configuration once, which drops handlers added before: let it first.
        LogConfig.configureRuntime();
        oursLevel = ours.getLevel();
        capture.setLevel(Level.ALL);
        ours.setLevel(Level.ALL);
        root.addHandler(capture);
        sim = LabSimulator.start(SimulatorOptions.defaults().withPort(0).withSeed(7).withClock(clock)
                .withBots(simBots).withHistory(Duration.ofHours(1)).withSessionsPerMinutePerBot(2)
                .withMaxLateness(Duration.ofMinutes(2)));
        configYaml = yaml(sim.baseUrl(), configBots, includeText, serverYaml, stateDir);
        ExporterConfig config = ConfigLoader.loadYaml(configYaml, "test", Map.of()).config();
        tracer = OtelTurnTracer.forExporter(config.tracing(), spans);
        daemon = Daemon.start(config, clock, tracer);
    }

    static String yaml(URI koreUrl, List<SimBot> bots, boolean includeText, String serverYaml, Path stateDir) {
        StringBuilder y = new StringBuilder()
                .append("server:\n  port: 0\n  host: 127.0.0.1\n").append(serverYaml)
                .append("kore:\n  base-url: ").append(koreUrl).append("\n  timeout: 5s\n")
                .append("poll:\n  interval: 1h\n  backfill: 1h\n")
                .append("state:\n  dir: ").append(stateDir).append('\n')
                .append("tracing:\n  include-text: ").append(includeText).append('\n')
                .append("bots:\n");
        for (SimBot b : bots) {
            y.append("  - name: ").append(b.name()).append('\n')
                    .append("    id: ").append(b.botId()).append('\n')
                    .append("    client-id: ").append(b.clientId()).append('\n')
                    .append("    client-secret: \"").append(b.clientSecret()).append("\"\n")
                    .append(b.accountId() == null ? "" : "    account-id: " + b.accountId() + "\n")
                    .append("    channels: ").append(b.channels()).append('\n');
        }
        return y.toString();
    }

    /** From now on {@link #get} speaks HTTPS trusting {@code trust}, with basic auth if {@code authorization}. */
    void useTls(SSLContext trust, String authorization) {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust).build();
        scheme = "https";
        this.authorization = authorization;
    }

    URI url(String path) {
        return URI.create(scheme + "://127.0.0.1:" + daemon.port() + path);
    }

    HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until every bot has finished its first cycle. */
    void awaitReady() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/health/ready", null).statusCode() == 200);
    }

    /** Stops the daemon and flushes spans; returns every log line so far. */
    List<String> stopAndCollectLogs() {
        stop();
        tracer.flush(Duration.ofSeconds(10));
        return List.copyOf(logs);
    }

    List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    @Override
    public void close() {
        stop();
        tracer.close();
        sim.close();
        root.removeHandler(capture);
        ours.setLevel(oursLevel);
    }

    private void stop() {
        if (!stopped) {
            stopped = true;
            daemon.close();
        }
    }
}
