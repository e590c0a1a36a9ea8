package dev.koreexporter.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Sends JSON bodies, gzip when asked for. */
final class ResponseSender {
    static final JsonFactory JSON = new JsonFactory();

    private ResponseSender() {
    }

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static void send(ServerRequest req, ServerResponse res, Reply reply) {
        if (reply.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(reply.retryAfterSeconds()));
        }
        byte[] body = json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("errors");
            g.writeStartObject();
            g.writeStringField("msg", reply.message());
            g.writeNumberField("code", reply.status());
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });
        send(req, res, reply.status(), body, false);
    }

    /** @param dropHalfway send half of the bytes, then close the connection */
    static void send(ServerRequest req, ServerResponse res, int status, byte[] body, boolean dropHalfway) {
        byte[] bytes = body;
        boolean gzip = req.headers().first(HeaderNames.ACCEPT_ENCODING)
                .map(v -> v.toLowerCase().contains("gzip")).orElse(false);
        if (gzip) {
            bytes = gzip(bytes);
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        if (dropHalfway) {
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length));
            try {
                OutputStream os = res.outputStream();
                os.write(bytes, 0, bytes.length / 2);
                os.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new CloseConnectionException("connection dropped halfway");
        }
        res.send(bytes);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
