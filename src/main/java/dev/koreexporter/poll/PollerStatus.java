package dev.koreexporter.poll;

import dev.koreexporter.kore.KoreApiException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What one bot's cycles ended with: the {@link BotStatus} the health endpoint shows, and the log (one line per
 * cycle, a stream's failure logged when it first appears or changes, not every cycle).
 */
final class PollerStatus {
    /** The poller's log category, as in 0.2.0: users filter and route these lines by it. */
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());

    private final String bot;
    private final Clock clock;
    private final Map<String, String> lastStreamErrors = new HashMap<>();
    private final List<String> cycleErrors = new ArrayList<>();
    private volatile BotStatus status;

    PollerStatus(String bot, Clock clock, Instant watermark) {
        this.bot = bot;
        this.clock = clock;
        this.status = new BotStatus(bot, 0, false, null, watermark, null, true);
    }

    BotStatus current() {
        return status;
    }

    void streamOk(String key) {
        lastStreamErrors.remove(key);
    }

    /** A stream failed this cycle: the cycle is failed, the other streams still run. */
    void streamFailed(String key, RuntimeException e) {
        String error = key + ": " + e.getMessage();
        cycleErrors.add(error);
        if (!error.equals(lastStreamErrors.put(key, error))) {
            String endpoint = e instanceof KoreApiException k ? k.endpoint().label() : "-";
            LOG.warning(() -> "bot=" + bot + " endpoint=" + endpoint + " " + error);
        }
    }

    /** The cycle's checkpoint could not be written: the cycle is failed, and says why. */
    void checkpointFailed(String problem) {
        cycleErrors.add(problem == null ? "checkpoint not written" : problem);
    }

    /** True while no stream failed this cycle. */
    boolean cycleOk() {
        return cycleErrors.isEmpty();
    }

    /** A cycle ended by shutdown: neither ok nor failed, and no finished cycle; logged as such. */
    void cutShort(long millis) {
        cycleErrors.clear();
        LOG.info(() -> String.format("bot=%s cycle cut short by shutdown after %d ms", bot, millis));
    }

    /** Ends a cycle: the new status, and its log line. */
    void cycleFinished(Instant watermark, boolean checkpointOk, CycleCounts counts, boolean caughtUp, long millis) {
        boolean ok = cycleErrors.isEmpty();
        BotStatus previous = status;
        status = new BotStatus(bot, previous.cyclesCompleted() + 1, ok,
                ok ? clock.instant() : previous.lastSuccess(), watermark,
                ok ? previous.lastError() : String.join("; ", cycleErrors), checkpointOk);
        cycleErrors.clear();
        String progress = caughtUp ? "" : " (catching up, read to " + watermark + ")";
        LOG.info(() -> String.format("bot=%s cycle %s in %d ms: %s%s", bot, ok ? "ok" : "FAILED", millis, counts,
                progress));
    }
}
