package dev.koreexporter.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One simulated Kore.ai bot and the single app (client id + secret) allowed to read its analytics.
 * {@code accountId} is null when the bot has no Agent AI account. The secret never appears in
 * {@link #toString()}.
 *
 * @param inactivityTimeout     the bot's session inactivity timeout: under {@link SessionLifecycle#INACTIVITY_CLOSE}
 *                              a session is closed this long (and a few minutes more) after its last activity
 * @param enforceJti            the app is set to "Enforce JTI": a token without a {@code jti} claim, or with one
 *                              already used within the token's lifetime, is refused with 401
 * @param otherRequestsPerMinute requests per minute another consumer of the bot's rate budget sends (CI/CD imports,
 *                              publishing, another integration): they count against the bot's 60/min and 1,800/h
 *                              like the exporter's own, evenly spaced, from an hour before the simulator started
 */
public record SimBot(String name, String botId, String clientId, String clientSecret, String accountId,
                     List<String> channels, Duration inactivityTimeout, boolean enforceJti,
                     double otherRequestsPerMinute) {
    /** Kore.ai's default session inactivity timeout. */
    public static final Duration DEFAULT_INACTIVITY_TIMEOUT = Duration.ofMinutes(15);

    public SimBot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(inactivityTimeout, "inactivityTimeout");
        channels = List.copyOf(channels);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("bot " + name + " needs at least one channel");
        }
        if (inactivityTimeout.isNegative() || inactivityTimeout.isZero()) {
            throw new IllegalArgumentException("bot " + name + ": inactivityTimeout must be positive");
        }
        if (!(otherRequestsPerMinute >= 0) || Double.isInfinite(otherRequestsPerMinute)) {
            throw new IllegalArgumentException("bot " + name + ": otherRequestsPerMinute must be a number >= 0");
        }
    }

    /** A bot with Kore.ai's defaults: 15 min inactivity timeout, JTI not enforced, nobody else spending its budget. */
    public SimBot(String name, String botId, String clientId, String clientSecret, String accountId,
                  List<String> channels) {
        this(name, botId, clientId, clientSecret, accountId, channels, DEFAULT_INACTIVITY_TIMEOUT, false, 0);
    }

    public SimBot withInactivityTimeout(Duration v) {
        return new SimBot(name, botId, clientId, clientSecret, accountId, channels, v, enforceJti, otherRequestsPerMinute);
    }

    public SimBot withEnforceJti(boolean v) {
        return new SimBot(name, botId, clientId, clientSecret, accountId, channels, inactivityTimeout, v,
                otherRequestsPerMinute);
    }

    /** The same bot whose app's client secret was rotated to {@code v}. */
    public SimBot withClientSecret(String v) {
        return new SimBot(name, botId, clientId, v, accountId, channels, inactivityTimeout, enforceJti,
                otherRequestsPerMinute);
    }

    public SimBot withOtherRequestsPerMinute(double v) {
        return new SimBot(name, botId, clientId, clientSecret, accountId, channels, inactivityTimeout, enforceJti, v);
    }

    @Override
    public String toString() {
        return "SimBot[name=" + name + ", botId=" + botId + ", clientId=" + clientId
                + ", accountId=" + accountId + ", channels=" + channels + ", inactivityTimeout=" + inactivityTimeout
                + ", enforceJti=" + enforceJti + ", otherRequestsPerMinute=" + otherRequestsPerMinute + "]";
    }
}
