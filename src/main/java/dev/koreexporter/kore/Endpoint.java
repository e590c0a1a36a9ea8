package dev.koreexporter.kore;

/** The Kore.ai APIs the exporter calls; {@link #label()} is the {@code endpoint} metric label. */
public enum Endpoint {
    GET_SESSIONS("getSessions"),
    GET_MESSAGES("getMessages"),
    GET_MESSAGES_V2("getMessagesV2"),
    MESSAGES_LITE("messagesLite"),
    AACONVERSATION("aaconversation");

    private final String label;

    Endpoint(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
