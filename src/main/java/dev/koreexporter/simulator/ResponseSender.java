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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Sends JSON bodies: gzip when asked for, and broken on purpose when a body fault is on. */
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

    static byte[] errors(int status, String msg) {
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("errors");
            g.writeStartObject();
            g.writeStringField("msg", msg);
            g.writeNumberField("code", status);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static void send(ServerRequest req, ServerResponse res, int status, byte[] body, FaultControl.Applied faults) {
        byte[] bytes = body;
        if (faults.has(FaultType.MALFORMED_JSON)) {
            bytes = malformed(body);
        } else if (faults.has(FaultType.TRUNCATED_BODY)) {
            bytes = Arrays.copyOf(body, Math.max(1, body.length / 2));
        }
        boolean gzip = req.headers().first(HeaderNames.ACCEPT_ENCODING)
                .map(v -> v.toLowerCase().contains("gzip")).orElse(false);
        if (gzip) {
            bytes = gzip(bytes);
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        if (faults.has(FaultType.CONNECTION_RESET)) {
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length));
            try {
                OutputStream os = res.outputStream();
                os.write(bytes, 0, bytes.length / 2);
                os.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new CloseConnectionException("simulated connection reset");
        }
        res.send(bytes);
    }

    /** Not JSON from the first key on, so no lenient parser can read a prefix of it as a valid document. */
    private static byte[] malformed(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        int colon = s.indexOf(':');
        String broken = colon < 0 ? "{" + s : s.substring(0, colon) + ";" + s.substring(colon + 1);
        return ("<html>" + broken).getBytes(StandardCharsets.UTF_8);
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
