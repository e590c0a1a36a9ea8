package dev.koreexporter.kore;

/**
 * The Kore.ai APIs the exporter calls. {@link #label()} is the {@code endpoint} metric label, {@link #pageSize()}
 * the records a page holds at most, as the API docs give it or, for getSessions, as real tenants serve it (README,
 * "How it reads Kore.ai"): the client asks for that many, the poller's sweep policy counts in them. Agent AI APIs are
 * asked with the bot's account id.
 */
public enum Endpoint {
    /** Real tenants serve far more than the 100 a page the docs give (README "How it reads Kore.ai"). */
    GET_SESSIONS("getSessions", 1_000, "/api/public/bot/{botId}/getSessions", false, "App Sessions"),
    GET_MESSAGES("getMessages", 100, "/api/public/bot/{botId}/getMessages", false, "Chat History"),
    GET_MESSAGES_V2("getMessagesV2", 10_000, "/api/public/bot/{botId}/getMessagesV2", false, "Chat History"),
    MESSAGES_LITE("messagesLite", 1_000, "/api/public/bot/{botId}/messages-lite", false, "Chat History"),
    AACONVERSATION("aaconversation", 20, "/agentassist/api/v1/public/{botId}/aaconversation", true,
            "AgentAssist Analytics");

    private final String label;
    private final int pageSize;
    private final String path;
    private final boolean agentAi;
    private final String scope;

    Endpoint(String label, int pageSize, String path, boolean agentAi, String scope) {
        this.label = label;
        this.pageSize = pageSize;
        this.path = path;
        this.agentAi = agentAi;
        this.scope = scope;
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

    /**
     * Whether requests carry the bot's account id (header {@code accountId}) and go to {@code kore.agent-ai-base-url}.
     */
    public boolean agentAi() {
        return agentAi;
    }

    /** The API scope the bot's app needs for it, as Kore.ai's app settings name it (README "Setting up the Kore.ai app"). */
    public String scope() {
        return scope;
    }
}
