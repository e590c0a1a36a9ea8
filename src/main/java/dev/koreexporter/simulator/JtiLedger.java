package dev.koreexporter.simulator;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The {@code jti}s each bot's app has admitted, each kept while its token is valid (a reused one within that time
 * is refused), so the memory is bounded by the tokens alive. A token without {@code exp} never expires; its
 * {@code jti} is kept for {@link #WITHOUT_EXP}.
 */
final class JtiLedger {
    static final Duration WITHOUT_EXP = Duration.ofDays(1);

    private record Seen(long until, String key) {
    }

    private final InstantSource clock;
    private final Map<String, Long> until = new HashMap<>();
    private final PriorityQueue<Seen> byExpiry = new PriorityQueue<>((a, b) -> Long.compare(a.until, b.until));

    JtiLedger(InstantSource clock) {
        this.clock = clock;
    }

    /** @return true the first time {@code jti} is used for {@code botId} while its token lives */
    synchronized boolean firstUse(String botId, String jti, Long expiresAtMs) {
        long now = clock.millis();
        while (!byExpiry.isEmpty() && byExpiry.peek().until <= now) {
            Seen gone = byExpiry.poll();
            until.remove(gone.key, gone.until);
        }
        String key = botId + '\n' + jti;
        if (until.containsKey(key)) {
            return false;
        }
        long expiry = Math.max(now + 1, expiresAtMs != null ? expiresAtMs : now + WITHOUT_EXP.toMillis());
        until.put(key, expiry);
        byExpiry.add(new Seen(expiry, key));
        return true;
    }
}
