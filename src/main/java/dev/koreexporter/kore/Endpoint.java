package dev.koreexporter.kore;

/**
 * The Kore.ai APIs the exporter calls. {@link #label()} is the {@code endpoint} metric label, {@link #pageSize()}
 * the records a page holds at most, as the API docs give it (README, "How it reads Kore.ai"): the client asks for
 * that many, the poller's sweep policy counts in them. Agent AI APIs are asked with the bot's account id.
 */
public enum Endpoint {
    GET_SESSIONS("getSessions", 100, "/api/public/bot/{botId}/getSessions", false),
    GET_MESSAGES("getMessages", 100, "/api/public/bot/{botId}/getMessages", false),
    GET_MESSAGES_V2("getMessagesV2", 10_000, "/api/public/bot/{botId}/getMessagesV2", false),
    MESSAGES_LITE("messagesLite", 1_000, "/api/public/bot/{botId}/messages-lite", false),
    AACONVERSATION("aaconversation", 20, "/agentassist/api/v1/public/{botId}/aaconversation", true);

    private final String label;
    private final int pageSize;
    private final String path;
    private final boolean agentAi;

    Endpoint(String label, int pageSize, String path, boolean agentAi) {
        this.label = label;
        this.pageSize = pageSize;
        this.path = path;
        this.agentAi = agentAi;
    }

    public String label() {
        return label;
    }

    public int pageSize() {
        return pageSize;
    }

    /** The path on Kore.ai's host for the bot {@code botId}. */
    public String path(String botId) {
        return path.replace("{botId}", botId);
    }

    /** Whether requests carry the bot's account id (header {@code accountId}). */
    public boolean agentAi() {
        return agentAi;
    }
}
