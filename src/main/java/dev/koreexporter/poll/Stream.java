package dev.koreexporter.poll;

import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.Query;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.TimeWindow;

import java.util.List;

/**
 * One listing the poller reads window by window, as data: its checkpoint key (as 0.2.0 wrote it), the kind of its
 * records, its channel (messages; else null) and the listings it may read, the first one first: a listing whose
 * endpoint answers 404 is left for the next from then on (getMessagesV2, then getMessages v1). The poller iterates a
 * bot's streams and knows none by name.
 */
public record Stream<T extends KoreRecord>(String key, Kind<T> kind, String channel, List<Listing<T>> listings) {
    public Stream {
        listings = List.copyOf(listings);
        if (listings.isEmpty()) {
            throw new IllegalArgumentException("stream " + key + " reads no listing");
        }
    }

    static <T extends KoreRecord> Stream<T> of(Kind<T> kind, String channel, List<Listing<T>> listings) {
        return new Stream<>(kind.key(channel), kind, channel, listings);
    }

    /** What reading {@code window} asks its listing for. */
    public Query query(TimeWindow window) {
        return Query.of(window, channel);
    }
}
