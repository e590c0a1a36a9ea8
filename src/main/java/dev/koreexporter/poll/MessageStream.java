package dev.koreexporter.poll;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.TimeWindow;

/**
 * The messages of one channel, each counted once, turns traced. Where they come from is a {@link Listing}, so
 * the same stream can read getMessagesV2 or another messages API (with that API's page size).
 */
record MessageStream(String channel, Endpoint endpoint, Listing listing) implements Stream {

    /** A messages API: one channel's messages of a window, oldest first. */
    @FunctionalInterface
    interface Listing {
        Iterable<Page<Message>> messages(String channel, TimeWindow window);
    }

    /** The stream read from getMessagesV2. */
    static MessageStream v2(String channel, KoreApi api) {
        return new MessageStream(channel, Endpoint.GET_MESSAGES_V2, api::messages);
    }

    /** The checkpoint key of a channel's messages. */
    static String key(String channel) {
        return "messages:" + channel;
    }

    @Override
    public String key() {
        return key(channel);
    }

    @Override
    public int pageSize() {
        return endpoint.pageSize();
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
