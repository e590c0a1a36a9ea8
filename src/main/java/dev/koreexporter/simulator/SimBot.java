package dev.koreexporter.simulator;

import java.util.List;
import java.util.Objects;

/**
 * One simulated Kore.ai bot and the single app (client id + secret) allowed to read its analytics.
 * {@code accountId} is null when the bot has no Agent AI account. The secret never appears in
 * {@link #toString()}.
 */
public record SimBot(String name, String botId, String clientId, String clientSecret, String accountId,
                     List<String> channels) {
    public SimBot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        channels = List.copyOf(channels);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("bot " + name + " needs at least one channel");
        }
    }

    @Override
    public String toString() {
        return "SimBot[name=" + name + ", botId=" + botId + ", clientId=" + clientId
                + ", accountId=" + accountId + ", channels=" + channels + "]";
    }
}
