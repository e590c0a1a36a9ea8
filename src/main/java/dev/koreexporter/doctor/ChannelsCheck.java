package dev.koreexporter.doctor;

import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Message;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code channels} check (README "First run against your tenant"): one messages page over the last
 * {@code poll.backfill} without {@code channelType} shows which channels have messages. A channel whose outgoing
 * messages carry {@code latency} objects, a voice channel, but that the bot's {@code channels} leave out is a
 * warning: its turns are never read.
 */
final class ChannelsCheck {
    static final String NAME = "channels";

    private ChannelsCheck() {
    }

    /**
     * @param endpoint  the label of the listing asked
     * @param window    how the window is spelled ({@code 1h})
     * @param answer    its answer
     * @param configured the bot's {@code channels}
     */
    static CheckResult of(String endpoint, String window, KoreClient.Answer<?> answer, List<String> configured) {
        if (!answer.ok()) {
            return CheckResult.warn(NAME, endpoint + " without channelType: " + answer.problem()
                    + ": the channels with messages cannot be listed (the exporter always names the channel)");
        }
        Map<String, Integer> messages = new TreeMap<>();
        Map<String, Integer> withLatency = new TreeMap<>();
        for (Object record : answer.page().page().records()) {
            if (!(record instanceof Message m)) {
                continue;
            }
            String channel = m.channel() == null ? "unknown" : m.channel();
            messages.merge(channel, 1, Integer::sum);
            if (m.direction() == Direction.OUTGOING && m.latency() != null) {
                withLatency.merge(channel, 1, Integer::sum);
            }
        }
        String page = answer.page().more() ? " on its first page of " + answer.page().page().received() : "";
        if (messages.isEmpty()) {
            return CheckResult.ok(NAME, endpoint + " without channelType: no messages in the last " + window);
        }
        String found = endpoint + " without channelType: messages" + page + " in the last " + window + " on "
                + messages.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        List<String> missed = withLatency.keySet().stream().filter(c -> !configured.contains(c)).toList();
        if (!missed.isEmpty()) {
            return CheckResult.warn(NAME, found + "; " + String.join(", ", missed) + (missed.size() == 1 ? " has" : " have")
                    + " outgoing messages with latency objects but " + (missed.size() == 1 ? "is" : "are")
                    + " not among the bot's channels " + configured + ": add " + (missed.size() == 1 ? "it" : "them")
                    + " to bots[].channels, or its turns are never counted");
        }
        return CheckResult.ok(NAME, found + "; every channel with latency objects is among the bot's channels");
    }
}
