package dev.koreexporter.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** {@code kore.messages-api}: which conversation-history API reads messages (README "Configuration"). */
public enum MessagesApi {
    /** getMessagesV2, and getMessages (v1) for a bot whose getMessagesV2 answers 404 (an older tenant). */
    AUTO,
    /** getMessagesV2 only. */
    V2,
    /** getMessages (v1, at most 100 a page) only. */
    V1;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MessagesApi> fromWire(String s) {
        return Arrays.stream(values()).filter(v -> v.wireName().equals(s)).findFirst();
    }
}
