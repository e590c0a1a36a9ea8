package dev.koreexporter.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Keeps a bot's watermarks from running ahead of Kore.ai (README "How it reads Kore.ai"): a cycle plans its
 * windows to the local clock, but a window counts as read only up to Kore.ai's time at the end of the read
 * (its {@code Date} headers), since Kore.ai cannot have answered with anything later. A local clock running
 * fast therefore leaves the watermark at Kore.ai's time, and stepping it back skips nothing. Also notices when
 * the local clock stepped back since the previous cycle. Used by the poller's thread only.
 */
final class CycleClock {
    /** The poller's log category, as for its other lines. */
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());

    private final String bot;
    private final Supplier<Optional<Instant>> serverTime;
    private final Runnable onStepBack;
    private Instant lastLocal;
    private boolean steppedBack;

    /**
     * @param serverTime Kore.ai's time at its latest answer, empty when not known
     * @param onStepBack called once for each cycle that starts earlier, by the local clock, than the one before
     */
    CycleClock(String bot, Supplier<Optional<Instant>> serverTime, Runnable onStepBack) {
        this.bot = bot;
        this.serverTime = serverTime;
        this.onStepBack = onStepBack;
    }

    /** A cycle starts at local time {@code local}: the "now" it plans its windows to. */
    Instant cycleStart(Instant local) {
        steppedBack = lastLocal != null && local.isBefore(lastLocal);
        if (steppedBack) {
            onStepBack.run();
            LOG.warning("bot=" + bot + " the local clock stepped back by "
                    + Duration.between(local, lastLocal).toSeconds() + " s since the previous cycle;"
                    + " watermarks follow Kore.ai's time, so nothing is skipped"
                    + " (counted in kore_exporter_clock_steps_back_total)");
        }
        lastLocal = local;
        // Not the newest of the local clock and Kore.ai's time: planning to a Kore.ai clock ahead of the local
        // one counted records twice in FaultSuiteBodiesIT (Kore.ai 5 min ahead), so windows keep the local clock.
        return local;
    }

    /** Whether the local clock was behind the previous cycle's start when the current cycle started. */
    boolean steppedBack() {
        return steppedBack;
    }

    /**
     * How far a window ending at {@code windowEnd} has been read, just after reading it: no later than
     * Kore.ai's time, and never back before the stream's {@code watermark}.
     */
    Instant readUpTo(Instant windowEnd, Instant watermark) {
        Instant end = serverTime.get().filter(server -> server.isBefore(windowEnd)).orElse(windowEnd);
        return end.isBefore(watermark) ? watermark : end;
    }
}
