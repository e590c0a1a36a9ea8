package dev.koreexporter.simulator;

import io.helidon.http.HeaderNames;

/** {@code POST /agentassist/api/v1/public/{botId}/aaconversation}: needs the bot's {@code accountId} header. */
final class AgentAiEndpoint {
    private static final int DEFAULT_LIMIT = 20;

    private AgentAiEndpoint() {
    }

    static byte[] handle(ApiCall c) {
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
        int skip = (page - 1) * limit;
        if (c.faults().has(FaultType.PAGE_SHIFT) && skip > 0) {
            skip--;
        }
        long now = c.now();
        Slice<SimConversation> slice = c.traffic().conversations(w.fromMs(), w.toMs(), now,
                conv -> conv.visibleAt <= now, skip, limit);
        c.breakSome(slice.items(), conv -> conv.defect, (conv, d) -> conv.defect = d,
                conv -> !conv.served.getAndSet(true));
        int total = slice.total();
        int totalPages = (total + limit - 1) / limit;
        boolean hasMore = skip + slice.items().size() < total;
        int shownSkip = skip;
        return ResponseSender.json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (SimConversation conv : c.served(slice.items())) {
                WireWriter.conversation(g, conv);
            }
            g.writeEndArray();
            g.writeNumberField("skip", shownSkip);
            g.writeNumberField("limit", limit);
            g.writeBooleanField("hasMore", hasMore);
            g.writeNumberField("totalPages", totalPages);
            g.writeNumberField("totalResults", total);
            g.writeEndObject();
        });
    }
}
