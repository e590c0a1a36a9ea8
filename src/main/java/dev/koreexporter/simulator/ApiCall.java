package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.ServerRequest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/** One authenticated API request: the bot, its JSON body, the simulator's now and the faults that apply. */
record ApiCall(SimBot bot, BotTraffic traffic, JsonNode body, ServerRequest request, long now,
               FaultControl.Applied faults, SimulatorOptions options) {

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

    /** {@code skip} (or its alias {@code offset}); the page-shift fault starts one record early. */
    int skip() {
        int skip = Math.max(0, number("skip", number("offset", 0)));
        return faults.has(FaultType.PAGE_SHIFT) && skip > 0 ? skip - 1 : skip;
    }

    /** The requested page size, capped without an error as Kore.ai does (and lower under small-pages). */
    int limit(int dflt, int cap) {
        int limit = number("limit", dflt);
        int capped = Math.min(limit <= 0 ? dflt : limit, cap);
        return faults.has(FaultType.SMALL_PAGES) ? Math.min(capped, FaultType.SMALL_PAGE) : capped;
    }

    /** The page as served: in the order asked for, or reversed under the unordered fault. */
    <T> List<T> served(List<T> page) {
        return faults.has(FaultType.UNORDERED) ? page.reversed() : page;
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
        return java.util.stream.StreamSupport.stream(n.spliterator(), false).map(JsonNode::asText).toList();
    }

    static Set<String> distinct(List<String> values) {
        return new LinkedHashSet<>(values);
    }

    /**
     * Under the bad-records fault, breaks about one record in eight of the page (at least one) for good.
     * Only records served for the first time are broken: a real corrupt row is corrupt from the start, and a
     * record a client already read intact must not turn invalid in ground truth afterwards.
     *
     * @param firstServing marks the record served and tells whether it had never been served before
     */
    <T> void breakSome(List<T> items, Function<T, Defect> get, BiConsumer<T, Defect> set,
                       Predicate<T> firstServing) {
        List<T> fresh = items.stream().filter(firstServing).toList();
        if (!faults.has(FaultType.BAD_RECORDS) || fresh.isEmpty()) {
            return;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < fresh.size(); i++) {
            T t = fresh.get(i);
            if (rnd.nextInt(8) == 0 || i == fresh.size() - 1 && items.stream().allMatch(r -> get.apply(r) == null)) {
                Defect[] choices = Defect.values();
                set.accept(t, choices[rnd.nextInt(choices.length)]);
            }
        }
    }
}
