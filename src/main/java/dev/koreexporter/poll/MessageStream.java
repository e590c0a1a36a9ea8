package dev.koreexporter.poll;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.TimeWindow;

import java.util.function.Supplier;

/**
 * The messages of one channel, each counted once, turns traced. Where they come from is a {@link Listing}, so
 * the same stream can read getMessagesV2 or another messages API (with that API's page size), or switch
 * between them ({@link MessageSource}).
 */
record MessageStream(String channel, Supplier<Endpoint> endpoint, Listing listing) implements Stream {

    /** A messages API: one channel's messages of a window, oldest first. */
    @FunctionalInterface
    interface Listing {
        Iterable<Page<Message>> messages(String channel, TimeWindow window);
    }

    /** The stream read from the bot's messages API of the moment. */
    static MessageStream of(String channel, MessageSource source) {
        return new MessageStream(channel, source::endpoint, source::messages);
    }

    /** What every message stream's checkpoint key starts with. */
    static final String KEY_PREFIX = "messages:";

    /** The checkpoint key of a channel's messages. */
    static String key(String channel) {
        return KEY_PREFIX + channel;
    }

    @Override
    public String key() {
        return key(channel);
    }

    @Override
    public int pageSize() {
        return endpoint.get().pageSize();
    }

    @Override
    public int read(TimeWindow window, boolean followUps, RecordCounter counter) {
        String key = key();
        return counter.count(listing.messages(channel, window), m -> {
            if (window.contains(m.createdOn())) {
                counter.message(key, m);
            }
        });
    }
}
