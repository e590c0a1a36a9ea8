package dev.koreexporter.tracing;

import dev.koreexporter.config.ExporterConfig;
import io.opentelemetry.api.common.AttributeKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.koreexporter.tracing.Fixtures.BOT;
import static dev.koreexporter.tracing.Fixtures.latency;
import static dev.koreexporter.tracing.Fixtures.turn;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tracer built from OTEL_* variables: exporters, protocols, resource, drop counting. */
class EnvironmentTracingTest {
    private static final ExporterConfig.Tracing CFG = new ExporterConfig.Tracing(false);
    private static final Instant T = Instant.parse("2026-03-02T10:00:05Z");

    private final Blackhole blackhole = new Blackhole();

    @AfterEach
    void stop() throws IOException {
        blackhole.close();
    }

    /** The service name on the tracer's spans: each span carries the tracer's resource. */
    private static String serviceName(OtelTurnTracer t) {
        return t.resource().getAttribute(AttributeKey.stringKey("service.name"));
    }

    @Test
    void serviceNameDefaultsToKoreExporterAndFollowsOtelServiceName() {
        try (OtelTurnTracer t = OtelTurnTracer.fromEnvironment(CFG, Map.of("OTEL_TRACES_EXPORTER", "console"))) {
            assertEquals("kore-exporter", serviceName(t));
        }
        try (OtelTurnTracer t = OtelTurnTracer.fromEnvironment(CFG,
                Map.of("OTEL_TRACES_EXPORTER", "console", "OTEL_SERVICE_NAME", "voice-exporter"))) {
            assertEquals("voice-exporter", serviceName(t));
        }
        try (OtelTurnTracer t = OtelTurnTracer.fromEnvironment(CFG,
                Map.of("OTEL_TRACES_EXPORTER", "console", "OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs"))) {
            assertEquals("from-attrs", serviceName(t));
        }
    }

    @Test
    void otlpHttpProtobufPostsToV1Traces() {
        try (OtelTurnTracer t = OtelTurnTracer.fromEnvironment(CFG, otlp("http/protobuf"))) {
            t.turn(BOT, turn("m-1", "sess-1", T, latency(400.0, 600.0, 200.0, null), null));
            t.flush(Duration.ofMillis(100));
            await().atMost(Duration.ofSeconds(10)).until(() -> blackhole.received().startsWith("POST /v1/traces"));
        }
    }

    @Test
    void otlpGrpcSpeaksHttp2() {
        try (OtelTurnTracer t = OtelTurnTracer.fromEnvironment(CFG, otlp("grpc"))) {
            t.turn(BOT, turn("m-1", "sess-1", T, latency(400.0, 600.0, 200.0, null), null));
            t.flush(Duration.ofMillis(100));
            // OkHttp's gRPC sender opens cleartext HTTP/2 with prior knowledge: the connection preface comes first.
            await().atMost(Duration.ofSeconds(10)).until(() -> blackhole.received().startsWith("PRI * HTTP/2.0"));
        }
    }

    @Test
    void otlpWithoutProtocolIsGrpcAsTheSdkDefault() {
        Map<String, String> env = new HashMap<>(otlp("grpc"));
        env.remove("OTEL_EXPORTER_OTLP_PROTOCOL");
        env.remove("OTEL_TRACES_EXPORTER");
        try (OtelTurnTracer t = OtelTurnTracer.fromEnvironment(CFG, env)) {
            t.turn(BOT, turn("m-1", "sess-1", T, latency(400.0, 600.0, 200.0, null), null));
            t.flush(Duration.ofMillis(100));
            await().atMost(Duration.ofSeconds(10)).until(() -> blackhole.received().startsWith("PRI * HTTP/2.0"));
        }
    }

    @Test
    void unansweredBackendOnlyHoldsThePollerUntilItsFirstExportFailsThenSpansAreDroppedAndCounted() {
        Map<String, String> env = new HashMap<>(otlp("http/protobuf"));
        env.put("OTEL_BSP_MAX_QUEUE_SIZE", "2");
        env.put("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "1");
        OtelTurnTracer t = OtelTurnTracer.fromEnvironment(CFG, env);
        int exemplars = 0;
        for (int i = 0; i < 10; i++) {
            // The backend never answers: the first export times out after 0.5 s, and from then on the queue
            // being full means dropping, not waiting.
            if (t.turn(BOT, turn("m-" + i, "sess-1", T.plusSeconds(i), latency(400.0, 600.0, 200.0, null), null)) != null) {
                exemplars++;
            }
        }
        SpanCounts during = t.spanCounts();
        assertEquals(40, during.ended());
        assertTrue(during.dropped() >= 30, during::toString);
        assertTrue(exemplars <= 3, "no exemplar for a dropped turn span: " + exemplars);
        t.close();
        // Every span ended is accounted for once its export attempt has completed.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            SpanCounts after = t.spanCounts();
            assertEquals(after.ended(), after.exported() + after.failed() + after.dropped(), after::toString);
            assertTrue(after.failed() > 0, after::toString);
            assertEquals(after.ended(), after.lost(), after::toString);
        });
    }

    private Map<String, String> otlp(String protocol) {
        return Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_PROTOCOL", protocol,
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + blackhole.port(),
                "OTEL_EXPORTER_OTLP_TIMEOUT", "500",
                "OTEL_BSP_EXPORT_TIMEOUT", "3000",
                "OTEL_BSP_SCHEDULE_DELAY", "50");
    }

    /** Accepts connections and records what the client sends first; never answers. */
    private static final class Blackhole implements AutoCloseable {
        private final ServerSocket server;
        private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();
        private final StringBuffer first = new StringBuffer();

        Blackhole() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        String received() {
            return first.toString();
        }

        private void accept() {
            try {
                while (true) {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread.ofVirtual().start(() -> read(s));
                }
            } catch (IOException closed) {
                // closed by the test
            }
        }

        private void read(Socket s) {
            try (InputStream in = s.getInputStream()) {
                byte[] buf = new byte[32];
                int n = in.read(buf);
                if (n > 0 && first.isEmpty()) {
                    first.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
                in.transferTo(OutputStreamSink.INSTANCE);
            } catch (IOException closed) {
                // the client gave up
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static final class OutputStreamSink extends OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
