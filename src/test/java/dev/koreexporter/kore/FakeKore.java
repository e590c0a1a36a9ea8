package dev.koreexporter.kore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/** An in-process Kore.ai stand-in (port 0) whose every answer the test decides. */
final class FakeKore implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What arrived. {@code at} is the test's fake clock at arrival. */
    record Request(String path, String query, Map<String, String> headers, JsonNode body, Instant at) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** What to answer. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        static Reply json(int status, String json) {
            return new Reply(status, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
        }

        static Reply ok(String json) {
            return json(200, json);
        }

        static Reply gzip(String json) {
            var out = new ByteArrayOutputStream();
            try (var gz = new GZIPOutputStream(out)) {
                gz.write(json.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Reply(200, Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"),
                    out.toByteArray());
        }

        Reply with(String header, String value) {
            var h = new HashMap<>(headers);
            h.put(header, value);
            return new Reply(status, h, body);
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final WebServer server;

    FakeKore(Clock clock, Function<Request, Reply> answer) {
        server = WebServer.builder().port(0).host("127.0.0.1").useNio(false).routing(r -> r.any((req, res) -> {
            byte[] raw = req.content().hasEntity() ? req.content().inputStream().readAllBytes() : new byte[0];
            var headers = new HashMap<String, String>();
            req.headers().forEach(h -> headers.put(h.name().toLowerCase(), h.get()));
            Request request = new Request(req.path().path(), req.query().rawValue(), headers,
                    raw.length == 0 ? null : JSON.readTree(raw), clock.instant());
            requests.add(request);
            Reply reply = answer.apply(request);
            res.status(Status.create(reply.status()));
            reply.headers().forEach((k, v) -> res.header(HeaderNames.create(k), v));
            res.send(reply.body());
        })).build().start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @Override
    public void close() {
        server.stop();
    }

    /** A messages page of {@code n} minimal messages, ids starting at {@code firstId}. */
    static String messagesPage(int firstId, int n, boolean more) {
        var sb = new StringBuilder("{\"total\":9999,\"moreAvailable\":" + more + ",\"messages\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"_id\":\"ms-").append(firstId + i)
                    .append("\",\"sessionId\":\"s1\",\"type\":\"incoming\",\"createdOn\":\"2026-11-21T18:00:00.000Z\"}");
        }
        return sb.append("]}").toString();
    }
}
