package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Optional;

/** The one place Kore.ai JSON is written and read. */
public final class WireJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private WireJson() {
    }

    /** A request body record as JSON bytes. */
    public static byte[] write(Object request) {
        try {
            return MAPPER.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            // Our own request records always serialise; failing here is a programming error.
            throw new IllegalStateException("cannot serialise " + request.getClass().getSimpleName(), e);
        }
    }

    /**
     * Parses a whole response body into a tree once, so that records can then be mapped one by one.
     *
     * @throws WireFormatException for an empty, truncated or malformed body, or one that is not a JSON object
     */
    public static JsonNode parse(byte[] body) throws WireFormatException {
        if (body.length == 0) {
            throw new WireFormatException("empty body", true);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw wireFormat(e);
        }
        if (root == null || root.isMissingNode()) {
            throw new WireFormatException("empty body", true);
        }
        if (!root.isObject()) {
            throw new WireFormatException("body is not a JSON object but " + root.getNodeType(), false);
        }
        return root;
    }

    /**
     * The {@code msg} of Kore.ai's error body {@code {"errors":[{"msg":..,"code":..}]}}, if the body is one.
     * Shortened and flattened to one line, as it ends up in exception messages and logs.
     */
    public static Optional<String> errorMessage(byte[] body) {
        try {
            JsonNode msg = MAPPER.readTree(body).path("errors").path(0).path("msg");
            if (!msg.isTextual() || msg.asText().isBlank()) {
                return Optional.empty();
            }
            String oneLine = msg.asText().replaceAll("\\s+", " ").strip();
            return Optional.of(oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** What a Jackson read failure means for the caller: retry a cut-off body, give up on a malformed one. */
    static WireFormatException wireFormat(IOException e) {
        if (e instanceof JsonEOFException eof) {
            return new WireFormatException("JSON ends early " + where(eof), true);
        }
        if (e instanceof JsonProcessingException jpe) {
            // Jackson's own message may quote body content (user text): report only the position.
            return new WireFormatException("malformed JSON " + where(jpe), false);
        }
        return new WireFormatException("unreadable body (" + e.getClass().getSimpleName() + ")", false);
    }

    private static String where(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        return loc == null ? "" : "at line " + loc.getLineNr() + " column " + loc.getColumnNr();
    }
}
