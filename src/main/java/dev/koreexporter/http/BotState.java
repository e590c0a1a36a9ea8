package dev.koreexporter.http;

import dev.koreexporter.poll.BotStatus;

/** How a bot is doing, at a glance: the coloured badge of the status page. */
enum BotState {
    /** The last cycle read everything it asked for and its checkpoint was written. */
    OK("ok", "#1a7f37", "#dafbe1"),
    /** The last cycle failed (Kore.ai refused or failed a request) or its checkpoint could not be written. */
    FAILING("failing", "#cf222e", "#ffebe9"),
    /** Started, first cycle (the backfill) not finished yet. */
    PENDING("pending", "#9a6700", "#fff8c5"),
    /** Not polled by this process: another holds the bot's lock, or its checkpoint cannot be used. */
    STOPPED("stopped", "#57606a", "#eaeef2");

    final String label;
    final String colour;
    final String background;

    BotState(String label, String colour, String background) {
        this.label = label;
        this.colour = colour;
        this.background = background;
    }

    static BotState of(BotStatus s) {
        if (s.mode() != BotStatus.Mode.POLLED) {
            return STOPPED;
        }
        if (s.cyclesCompleted() == 0) {
            // A checkpoint that cannot be used stops the bot before its first cycle (README, Reliability).
            return s.checkpointOk() ? PENDING : STOPPED;
        }
        return s.lastCycleOk() && s.checkpointOk() ? OK : FAILING;
    }
}
