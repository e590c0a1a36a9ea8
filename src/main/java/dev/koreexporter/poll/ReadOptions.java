package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.MessagesApi;

/**
 * What the config says about reading and counting records, beyond polling times (README, "Configuration"):
 * {@code filters.include-developer} and {@code kore.messages-api}.
 */
public record ReadOptions(boolean includeDeveloper, MessagesApi messagesApi) {
    /** The defaults: developer traffic left out, getMessagesV2 with the v1 fallback. */
    public static final ReadOptions DEFAULT = new ReadOptions(false, MessagesApi.AUTO);

    public ReadOptions {
        messagesApi = messagesApi == null ? MessagesApi.AUTO : messagesApi;
    }

    public static ReadOptions of(ExporterConfig config) {
        return new ReadOptions(config.filters().includeDeveloper(), config.kore().messagesApi());
    }
}
