package dev.koreexporter.poll;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.model.TimeWindow;

/** Agent AI conversations (bots with an account id), each counted once. */
record ConversationStream(KoreApi api) implements Stream {
    static final String KEY = "conversations";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public int pageSize() {
        return Endpoint.AACONVERSATION.pageSize();
    }

    @Override
    public int read(TimeWindow window, boolean followUps, RecordCounter counter) {
        return counter.count(api.agentAiConversations(window), c -> {
            if (window.contains(c.startTime())) {
                counter.conversation(KEY, c);
            }
        });
    }
}
