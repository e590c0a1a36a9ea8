package dev.koreexporter.simulator;

import dev.koreexporter.kore.Endpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/** getMessages (v1), getMessagesV2 and messages-lite: the same data, different caps and fields. */
final class MessagesEndpoint {
    private static final String DEFAULT_CHANNEL = "rtm";
    private static final int DEFAULT_LIMIT = 100;
    private static final int LITE_DEFAULT_LIMIT = 5;

    private MessagesEndpoint() {
    }

    static Answer handle(ApiCall c, Endpoint endpoint) {
        boolean lite = endpoint == Endpoint.MESSAGES_LITE;
        String userId = c.text("userId");
        if (lite && (userId == null || userId.isBlank())) {
            throw new ApiError(400, "userId is required");
        }
        if (endpoint == Endpoint.GET_MESSAGES_V2 && c.options().quirks().strictSecureForm()
                && !c.body().hasNonNull("includeSecureForm")) {
            throw new ApiError(400, "includeSecureForm is required");
        }
        boolean v2 = endpoint == Endpoint.GET_MESSAGES_V2;
        String channel = c.text("channelType");
        boolean noChannel = channel == null || channel.isBlank();
        // null: every channel, as a server that ignores channelType answers
        String ch = !c.serving().channelTypeHonoured() || noChannel && v2 && c.serving().v2EveryChannel() ? null
                : noChannel ? DEFAULT_CHANNEL : channel;
        DateWindow w = DateWindow.parse(c.body(), "dateFrom", "dateTo", Instant.ofEpochMilli(c.now()));
        boolean forward = c.body().hasNonNull("forward") ? c.flag("forward") : v2 && c.serving().v2OldestFirst();
        boolean includeLatency = !lite && c.flag("includeLatency");
        boolean includeTraceId = !lite && c.flag("includeTraceId");
        List<String> types = lite ? c.strings("type") : null;
        List<String> sessionIds = c.strings("sessionId");
        int cap = switch (endpoint) {
            case GET_MESSAGES -> c.options().v1PageCap();
            case GET_MESSAGES_V2 -> c.options().v2PageCap();
            default -> c.options().litePageCap();
        };
        int skip = c.skip();
        int limit = c.limit(lite ? LITE_DEFAULT_LIMIT : DEFAULT_LIMIT, cap);
        long now = c.now();
        Predicate<SimMessage> filter = m -> m.visibleAt <= now
                && (userId == null || userId.equals(m.session.userId))
                && (types == null || types.contains(m.outgoing ? "outgoing" : "incoming"));

        Slice<SimMessage> slice = sessionIds == null
                ? c.traffic().messages(ch, w.fromMs(), w.toMs(), now, filter, forward, skip, limit)
                : ofSessions(c, sessionIds, ch, w, filter, forward, skip, limit);
        List<SimMessage> served = c.served(slice.items());
        boolean more = skip + served.size() < slice.total();
        byte[] json = ResponseSender.json(g -> {
            g.writeStartObject();
            g.writeNumberField("total", slice.total());
            g.writeBooleanField("moreAvailable", more);
            if (!lite) {
                g.writeStringField("icon", "https://simulator.invalid/bot-icon.png");
            }
            g.writeArrayFieldStart("messages");
            for (SimMessage m : served) {
                WireWriter.message(g, m, lite, includeLatency, includeTraceId);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        return new Answer(json, ServedList.messages(served));
    }

    private static Slice<SimMessage> ofSessions(ApiCall c, List<String> ids, String channel, DateWindow w,
                                                Predicate<SimMessage> filter, boolean forward, int skip, int limit) {
        List<SimMessage> all = new ArrayList<>();
        for (String id : ApiCall.distinct(ids)) {
            SimSession s = c.traffic().session(id, c.now());
            if (s == null || channel != null && !s.channel.equals(channel)) {
                continue;
            }
            for (SimMessage m : s.messages) {
                if (m.createdOn >= w.fromMs() && m.createdOn <= w.toMs() && filter.test(m)) {
                    all.add(m);
                }
            }
        }
        Comparator<SimMessage> order = Comparator.comparingLong((SimMessage m) -> m.createdOn)
                .thenComparing(m -> m.session.id).thenComparingInt(m -> m.seq);
        all.sort(forward ? order : order.reversed());
        int from = Math.min(skip, all.size());
        return new Slice<>(List.copyOf(all.subList(from, Math.min(all.size(), from + limit))), all.size());
    }
}
