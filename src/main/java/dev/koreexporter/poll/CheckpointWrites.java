package dev.koreexporter.poll;

import dev.koreexporter.config.Shard;
import dev.koreexporter.metrics.store.BotSeriesState;

import java.io.IOException;
import java.util.logging.Logger;

/**
 * Writes one bot's checkpoint and keeps how the last write went (docs/reliability.md): a failure is counted every
 * time ({@code kore_exporter_checkpoint_errors_total}), logged once per failure streak, and named in the bot's status
 * until a write succeeds again (the bot is then {@code kore_exporter_up} 0: what it counts is not shown until a
 * checkpoint holding it is written). Part of a bot's {@link BotLedger}: guarded by the ledger's lock, except
 * {@link #problem}.
 */
final class CheckpointWrites {
    /**
     * The bot's kore_* counters and histograms as its checkpoints carry them (README "Reliability and security"):
     * their cumulative values go into each checkpoint and come back from the one a start resumes, and are shown to
     * scrapes once a checkpoint holding them is written.
     */
    interface Commits {
        /** The checkpoint was written: what it holds may be shown to scrapes. */
        void written();

        void failed();

        /** The bot's cumulative values now, for the checkpoint being assembled (the ledger's lock held). */
        BotSeriesState series();

        /**
         * The values the resumed checkpoint kept, before any of the bot's counters is shown; null (no checkpoint,
         * or one without them) starts them from zero.
         */
        void restore(BotSeriesState series);
    }

    private static final Logger LOG = Logger.getLogger(BotLedger.class.getName());

    private final String bot;
    private final CheckpointStore store;
    private final Commits commits;
    /** Why the last write failed; null while writes succeed. */
    private volatile String problem;

    /** @param commits told of every write, written or failed */
    CheckpointWrites(String bot, CheckpointStore store, Commits commits) {
        this.bot = bot;
        this.store = store;
        this.commits = commits;
    }

    /** The shard layout checkpoints are written under (README "Running several replicas"). */
    Shard layout() {
        return store.layout();
    }

    /** The bot's cumulative series values, for the checkpoint being assembled. */
    BotSeriesState series() {
        return commits.series();
    }

    /** Writes {@code checkpoint}; false when it could not be written. */
    boolean write(Checkpoint checkpoint) {
        try {
            store.save(bot, checkpoint);
            commits.written();
            if (problem != null) {
                LOG.info("bot=" + bot + " checkpoint written again");
                problem = null;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (problem == null) {
                LOG.severe("bot=" + bot + " cannot write its checkpoint (" + e
                        + "): it goes on counting, but what it counts reaches /metrics only once a checkpoint is written");
            }
            // The exception names the file and the file system's reason, never the checkpoint's content.
            problem = "checkpoint not written: " + e.getMessage()
                    + "; what was counted since the last one written is not shown until one is";
            commits.failed();
            return false;
        }
    }

    /** Why the last write failed, or null; read from any thread. */
    String problem() {
        return problem;
    }
}
