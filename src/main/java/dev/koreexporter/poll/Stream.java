package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.model.TimeWindow;

import java.util.ArrayList;
import java.util.List;

/**
 * One listing the poller reads window by window: it owns its checkpoint key, its page size and how it reads
 * one window into the {@link RecordCounter}. The poller iterates a bot's streams and knows none of them by
 * name; a new Kore.ai listing is a new permitted type here plus one line in {@link #of}.
 */
sealed interface Stream permits SessionStream, MessageStream, ConversationStream {

    /** The key of its watermark and remembered ids in the checkpoint (as 0.2.0 wrote them). */
    String key();

    /** Records a page holds at most, for the sweep policy ({@link SweepPlanner}). */
    int pageSize();

    /**
     * Reads one planned window, counting each page as it arrives; returns the records received. Failures
     * are thrown as {@code KoreApiException}; the poller contains them to this stream.
     */
    int read(TimeWindow window, boolean followUps, RecordCounter counter);

    /** The streams of a bot, in the order a cycle reads them, messages from getMessagesV2 (or v1 on a 404). */
    static List<Stream> of(ExporterConfig.Bot bot, KoreApi api) {
        return of(bot, api, MessagesApi.AUTO);
    }

    /** The streams of a bot; its message streams read the {@code kore.messages-api} chosen. */
    static List<Stream> of(ExporterConfig.Bot bot, KoreApi api, MessagesApi messagesApi) {
        List<Stream> streams = new ArrayList<>();
        streams.add(new SessionStream(api));
        MessageSource messages = new MessageSource(bot.name(), api, messagesApi);
        for (String channel : bot.channels()) {
            streams.add(MessageStream.of(channel, messages));
        }
        if (bot.accountId() != null) {
            streams.add(new ConversationStream(api));
        }
        return streams;
    }
}
