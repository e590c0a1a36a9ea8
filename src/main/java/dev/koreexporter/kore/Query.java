package dev.koreexporter.kore;

import dev.koreexporter.model.TimeWindow;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What one read of a {@link Listing} asks for: the records of a time window (of one channel, for messages), or the
 * records of some ids (a lookup). Unused parts are null (the window, the channel) or empty (the ids).
 */
public record Query(TimeWindow window, String channel, List<String> ids) {
    public Query {
        ids = ids == null ? List.of() : List.copyOf(new LinkedHashSet<>(ids));
    }

    /** The records of a window. */
    public static Query of(TimeWindow window) {
        return new Query(window, null, List.of());
    }

    /** One channel's records of a window. */
    public static Query of(TimeWindow window, String channel) {
        return new Query(window, channel, List.of());
    }

    /** The records of these ids, each asked for once. */
    public static Query ids(Collection<String> ids) {
        return new Query(null, null, List.copyOf(ids));
    }

    /** The same question for a part of the window (a request reads at most 7 days). */
    Query in(TimeWindow part) {
        return new Query(part, channel, ids);
    }

    /** The same question for some of the ids. */
    Query slice(int from, int to) {
        return new Query(window, channel, ids.subList(from, to));
    }
}
