package dev.koreexporter.simulator;

import io.helidon.http.HeaderNames;

import java.util.List;

/** {@code POST /agentassist/api/v1/public/{botId}/aaconversation}: needs the bot's {@code accountId} header. */
final class AgentAiEndpoint {
    private static final int DEFAULT_LIMIT = 20;

    private AgentAiEndpoint() {
    }

    static Answer handle(ApiCall c) {
        String account = c.request().headers().first(HeaderNames.create("accountId")).orElse(null);
        if (c.bot().accountId() == null || account == null || !account.trim().equals(c.bot().accountId())) {
            throw new ApiError(401, "accountId is missing or not valid for this bot");
        }
        DateWindow w = DateWindow.parseRequired(c.body(), "from", "to");
        int page = c.number("page", 1);
        if (page < 1) {
            throw new ApiError(400, "page must be 1 or more");
        }
        int limit = c.limit(DEFAULT_LIMIT, c.options().agentAiPageCap());
        int skip = c.overlapped((page - 1) * limit);
        long now = c.now();
        Slice<SimConversation> slice = c.traffic().conversations(w.fromMs(), w.toMs(), now,
                conv -> conv.visibleAt <= now, skip, limit);
        List<SimConversation> served = c.served(slice.items());
        int total = slice.total();
        int totalPages = (total + limit - 1) / limit;
        boolean hasMore = skip + served.size() < total;
        byte[] json = ResponseSender.json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (SimConversation conv : served) {
                WireWriter.conversation(g, conv);
            }
            g.writeEndArray();
            g.writeNumberField("skip", skip);
            g.writeNumberField("limit", limit);
            g.writeBooleanField("hasMore", hasMore);
            g.writeNumberField("totalPages", totalPages);
            g.writeNumberField("totalResults", total);
            g.writeEndObject();
        });
        return new Answer(json, ServedList.conversations(served));
    }
}
