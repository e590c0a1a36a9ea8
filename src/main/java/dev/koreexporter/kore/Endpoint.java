package dev.koreexporter.kore;

/**
 * The Kore.ai APIs the exporter calls; {@link #label()} is the {@code endpoint} metric label and
 * {@link #pageSize()} the records a page holds at most, as the API docs give it (README, "How it reads
 * Kore.ai"): the client asks for that many, the poller's sweep policy counts in them.
 */
public enum Endpoint {
    GET_SESSIONS("getSessions", 100),
    GET_MESSAGES("getMessages", 100),
    GET_MESSAGES_V2("getMessagesV2", 10_000),
    MESSAGES_LITE("messagesLite", 1_000),
    AACONVERSATION("aaconversation", 20);

    private final String label;
    private final int pageSize;

    Endpoint(String label, int pageSize) {
        this.label = label;
        this.pageSize = pageSize;
    }

    public String label() {
        return label;
    }

    public int pageSize() {
        return pageSize;
    }
}
