package dev.koreexporter.tracing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP trace and metrics receiver on loopback, decoding what arrives with the official protocol classes
 * ({@code opentelemetry-proto}): over gRPC (grpc-java's {@code TraceService} and {@code MetricsService}) or over
 * HTTP/protobuf ({@code POST /v1/traces} with an {@code ExportTraceServiceRequest} body, {@code POST /v1/metrics}
 * with an {@code ExportMetricsServiceRequest}), as a collector would.
 */
abstract sealed class OtlpReceiver implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.of();

    /** One span as received, with its resource's and its own attributes flattened to strings. */
    record Received(Map<String, String> resource, String scope, Span span, Map<String, AnyValue> attributes) {
        String traceId() {
            return HEX.formatHex(span.getTraceId().toByteArray());
        }

        String spanId() {
            return HEX.formatHex(span.getSpanId().toByteArray());
        }

        String parentSpanId() {
            return span.getParentSpanId().isEmpty() ? "" : HEX.formatHex(span.getParentSpanId().toByteArray());
        }
    }

    final List<ExportTraceServiceRequest> requests = new CopyOnWriteArrayList<>();
    final List<ExportMetricsServiceRequest> metricRequests = new CopyOnWriteArrayList<>();

    abstract String endpoint();

    List<Received> spans() {
        List<Received> out = new ArrayList<>();
        for (ExportTraceServiceRequest r : requests) {
            for (ResourceSpans rs : r.getResourceSpansList()) {
                Map<String, String> resource = new TreeMap<>();
                rs.getResource().getAttributesList().forEach(kv -> resource.put(kv.getKey(), kv.getValue().getStringValue()));
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span s : ss.getSpansList()) {
                        Map<String, AnyValue> attributes = new TreeMap<>();
                        for (KeyValue kv : s.getAttributesList()) {
                            attributes.put(kv.getKey(), kv.getValue());
                        }
                        out.add(new Received(resource, ss.getScope().getName(), s, attributes));
                    }
                }
            }
        }
        return out;
    }

    static final class Grpc extends OtlpReceiver {
        private final Server server;

        Grpc() throws IOException {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .addService(new TraceServiceGrpc.TraceServiceImplBase() {
                        @Override
                        public void export(ExportTraceServiceRequest request,
                                           StreamObserver<ExportTraceServiceResponse> response) {
                            requests.add(request);
                            response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                            response.onCompleted();
                        }
                    })
                    .addService(new MetricsServiceGrpc.MetricsServiceImplBase() {
                        @Override
                        public void export(ExportMetricsServiceRequest request,
                                           StreamObserver<ExportMetricsServiceResponse> response) {
                            metricRequests.add(request);
                            response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                            response.onCompleted();
                        }
                    })
                    .build().start();
        }

        @Override
        String endpoint() {
            return "http://127.0.0.1:" + server.getPort();
        }

        @Override
        public void close() throws InterruptedException {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static final class Http extends OtlpReceiver {
        private final HttpServer server;
        final List<String> contentTypes = new CopyOnWriteArrayList<>();

        Http() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/v1/traces", exchange -> receive(exchange,
                    body -> requests.add(ExportTraceServiceRequest.parseFrom(body)),
                    ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
            server.createContext("/v1/metrics", exchange -> receive(exchange,
                    body -> metricRequests.add(ExportMetricsServiceRequest.parseFrom(body)),
                    ExportMetricsServiceResponse.getDefaultInstance().toByteArray()));
            server.start();
        }

        private interface Decoder {
            void decode(byte[] body) throws IOException;
        }

        private void receive(HttpExchange exchange, Decoder decoder, byte[] answer) throws IOException {
            try (exchange) {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
                InputStream body = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                decoder.decode(body.readAllBytes());
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    exchange.getResponseBody().write(answer);
                }
            }
        }

        @Override
        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
