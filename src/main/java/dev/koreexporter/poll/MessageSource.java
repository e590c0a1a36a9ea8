package dev.koreexporter.poll;

import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.KoreApiException;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.TimeWindow;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Which messages API one bot's message streams read ({@code kore.messages-api}, README "How it reads
 * Kore.ai"). {@code auto} reads getMessagesV2 until it answers 404, as it does on tenants of releases
 * before it existed; from then on the bot reads getMessages (v1) until the process restarts, logged once.
 * The window whose read met the 404 is read again from its start with v1: what the failed read counted is
 * de-duplicated, so counts stay exact. Shared by the bot's message streams, which a poller reads one at a time.
 */
final class MessageSource {
    /** The poller's log category, as in 0.2.0: users filter and route these lines by it. */
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());

    private final String botName;
    private final KoreApi api;
    private final MessagesApi mode;
    private volatile boolean v1;

    MessageSource(String botName, KoreApi api, MessagesApi mode) {
        this.botName = botName;
        this.api = api;
        this.mode = mode;
        this.v1 = mode == MessagesApi.V1;
    }

    /** The API read now. */
    Endpoint endpoint() {
        return v1 ? Endpoint.GET_MESSAGES : Endpoint.GET_MESSAGES_V2;
    }

    /** One channel's messages of a window, from the API of the moment. */
    Iterable<Page<Message>> messages(String channel, TimeWindow window) {
        if (v1) {
            return api.messagesV1(channel, window);
        }
        Iterable<Page<Message>> v2 = api.messages(channel, window);
        if (mode == MessagesApi.V2) {
            return v2;
        }
        return () -> new FallingBack(v2, channel, window);
    }

    /**
     * getMessagesV2's pages until it answers 404, then the whole window again from getMessages. The 404 may
     * come from {@code iterator()}, {@code hasNext()} or {@code next()}, wherever the listing sends its request.
     */
    private final class FallingBack implements Iterator<Page<Message>> {
        private final Iterable<Page<Message>> v2;
        private final String channel;
        private final TimeWindow window;
        private Iterator<Page<Message>> pages;
        private boolean fellBack;

        FallingBack(Iterable<Page<Message>> v2, String channel, TimeWindow window) {
            this.v2 = v2;
            this.channel = channel;
            this.window = window;
        }

        @Override
        public boolean hasNext() {
            return read(() -> pages().hasNext());
        }

        @Override
        public Page<Message> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return read(() -> pages.next());
        }

        private Iterator<Page<Message>> pages() {
            if (pages == null) {
                pages = v2.iterator();
            }
            return pages;
        }

        private <T> T read(Supplier<T> step) {
            try {
                return step.get();
            } catch (KoreApiException e) {
                if (fellBack || !missing(e)) {
                    throw e;
                }
                fallBack();
                return step.get();
            }
        }

        private void fallBack() {
            fellBack = true;
            if (!v1) {
                v1 = true;
                LOG.warning(() -> "bot=" + botName + " getMessagesV2 answered 404 (a tenant without it): reading"
                        + " messages with getMessages (v1, 100 a page) until restart (kore.messages-api: auto)");
            }
            pages = api.messagesV1(channel, window).iterator();
        }
    }

    private static boolean missing(KoreApiException e) {
        return e.status() == 404 && e.endpoint() == Endpoint.GET_MESSAGES_V2;
    }
}
