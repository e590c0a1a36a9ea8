package dev.koreexporter.poll;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The "now" a bot's cycle plans its windows to (README "How it reads Kore.ai"): the local clock, but never
 * later than Kore.ai's own time (its {@code Date} headers). A local clock running fast therefore cannot move
 * the watermark past what Kore.ai has, so stepping it back later leaves nothing unread. Notices when the
 * local clock stepped back since the previous cycle. Used by the poller's thread only.
 */
final class CycleClock {
    /** The poller's log category, as for its other lines. */
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());

    private final String bot;
    private final Function<Instant, Optional<Instant>> serverNow;
    private final Runnable onStepBack;
    private Instant lastLocal;

    /**
     * @param serverNow  Kore.ai's time at a local instant, empty when not known yet
     * @param onStepBack called once for each cycle that starts earlier, by the local clock, than the one before
     */
    CycleClock(String bot, Function<Instant, Optional<Instant>> serverNow, Runnable onStepBack) {
        this.bot = bot;
        this.serverNow = serverNow;
        this.onStepBack = onStepBack;
    }

    /** The planning "now" of a cycle starting at local time {@code local}. */
    Instant cycleStart(Instant local) {
        if (lastLocal != null && local.isBefore(lastLocal)) {
            onStepBack.run();
            LOG.warning("bot=" + bot + " the local clock stepped back by "
                    + java.time.Duration.between(local, lastLocal).toSeconds() + " s since the previous cycle;"
                    + " windows end at Kore.ai's time, so nothing is skipped"
                    + " (counted in kore_exporter_clock_steps_back_total)");
        }
        lastLocal = local;
        return serverNow.apply(local).filter(server -> server.isBefore(local)).orElse(local);
    }
}
