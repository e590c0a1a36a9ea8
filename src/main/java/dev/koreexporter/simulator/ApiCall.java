package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.ServerRequest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/** One authenticated API request: the bot, its JSON body, the server's now and how the tenant serves it. */
record ApiCall(SimBot bot, BotTraffic traffic, JsonNode body, ServerRequest request, long now, Serving serving,
               SimulatorOptions options) {

    String text(String key) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw new ApiError(400, "Invalid " + key);
        }
        return n.asText();
    }

    /** Kore.ai documents some flags as strings ("true"), others as booleans: accept both. */
    boolean flag(String key) {
        JsonNode n = body.get(key);
        return n != null && (n.isBoolean() ? n.booleanValue() : "true".equalsIgnoreCase(n.asText()));
    }

    int number(String key, int dflt) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (n.isIntegralNumber()) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(n.asText().trim());
        } catch (NumberFormatException e) {
            throw new ApiError(400, "Invalid " + key);
        }
    }

    /** {@code skip} (or its alias {@code offset}), as served. */
    int skip() {
        return overlapped(Math.max(0, number("skip", number("offset", 0))));
    }

    /** Where a page starting at {@code skip} really starts: one record early when pages overlap. */
    int overlapped(int skip) {
        return serving.pagesOverlap() && skip > 0 ? skip - 1 : skip;
    }

    /** The requested page size, capped without an error as Kore.ai does. */
    int limit(int dflt, int cap) {
        int limit = number("limit", dflt);
        return Math.min(Math.min(limit <= 0 ? dflt : limit, cap), serving.pageCap());
    }

    /** The page as served: in the order asked for, or reversed. */
    <T> List<T> served(List<T> page) {
        return serving.reversed() ? page.reversed() : page;
    }

    /** An id list given as an array or a single string; null when absent. */
    List<String> strings(String key) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return List.of(n.asText());
        }
        if (!n.isArray()) {
            throw new ApiError(400, "Invalid " + key);
        }
        return StreamSupport.stream(n.spliterator(), false).map(JsonNode::asText).toList();
    }

    static Set<String> distinct(List<String> values) {
        return new LinkedHashSet<>(values);
    }
}
