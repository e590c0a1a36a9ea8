package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.Query;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.TimeWindow;

import java.util.ArrayList;
import java.util.List;

/**
 * One listing the poller reads window by window, as data: its checkpoint key (as 0.2.0 wrote it), the kind of its
 * records, its channel (messages; else null) and the listings it may read, the first one first: a listing whose
 * endpoint answers 404 is left for the next from then on (getMessagesV2, then getMessages v1). The poller reads, and
 * {@code doctor} checks, a bot's streams ({@link #all}) and knows none by name.
 */
public record Stream<T extends KoreRecord>(String key, Kind<T> kind, String channel, List<Listing<T>> listings) {
    public Stream {
        listings = List.copyOf(listings);
        if (listings.isEmpty()) {
            throw new IllegalArgumentException("stream " + key + " reads no listing");
        }
    }

    /** Every stream of {@code bot}, each kind's as its {@link Kind#plan()} says, in the order a cycle reads them. */
    public static List<Stream<?>> all(ExporterConfig.Bot bot, MessagesApi messagesApi) {
        List<Stream<?>> all = new ArrayList<>();
        for (Kind<?> kind : Kind.ALL) {
            all.addAll(kind.streams(bot, messagesApi));
        }
        return all;
    }

    static <T extends KoreRecord> Stream<T> of(Kind<T> kind, String channel, List<Listing<T>> listings) {
        return new Stream<>(kind.key(channel), kind, channel, listings);
    }

    /** The name of {@code doctor}'s check of this stream ({@code sessions}, {@code messages:korevg}, {@code agentai}). */
    public String check() {
        return channel == null ? kind.check() : kind.check() + channel;
    }

    /** What reading {@code window} asks its listing for. */
    public Query query(TimeWindow window) {
        return Query.of(window, channel);
    }
}
