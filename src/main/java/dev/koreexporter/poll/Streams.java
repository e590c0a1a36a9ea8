package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.MessagesApi;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Session;

import java.util.ArrayList;
import java.util.List;

/**
 * The streams of one bot, as its config asks for them (README "How it reads Kore.ai"): its sessions, its messages
 * per channel (getMessagesV2, or getMessages v1 as {@code kore.messages-api} says), and its Agent AI conversations
 * when it has an account id (else null). The daemon reads {@link #all()}; {@code doctor} checks each.
 */
public record Streams(Stream<Session> sessions, List<Stream<Message>> messages,
                      Stream<AgentAiConversation> conversations) {
    public Streams {
        messages = List.copyOf(messages);
    }

    public static Streams of(ExporterConfig.Bot bot, MessagesApi messagesApi) {
        List<Listing<Message>> messageListings = switch (messagesApi) {
            case AUTO -> List.of(Listing.MESSAGES_V2, Listing.MESSAGES_V1);
            case V2 -> List.of(Listing.MESSAGES_V2);
            case V1 -> List.of(Listing.MESSAGES_V1);
        };
        return new Streams(Stream.of(Kind.SESSIONS, null, List.of(Listing.SESSIONS)),
                bot.channels().stream().map(c -> Stream.of(Kind.MESSAGES, c, messageListings)).toList(),
                bot.accountId() == null ? null : Stream.of(Kind.CONVERSATIONS, null, List.of(Listing.CONVERSATIONS)));
    }

    /** Every stream, in the order a cycle reads them. */
    public List<Stream<?>> all() {
        List<Stream<?>> all = new ArrayList<>();
        all.add(sessions);
        all.addAll(messages);
        if (conversations != null) {
            all.add(conversations);
        }
        return all;
    }
}
