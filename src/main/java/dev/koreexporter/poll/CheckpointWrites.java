package dev.koreexporter.poll;

import dev.koreexporter.config.Shard;

import java.io.IOException;
import java.util.logging.Logger;

/**
 * Writes one bot's checkpoint and keeps how the last write went (docs/reliability.md): a failure is counted every
 * time ({@code kore_exporter_checkpoint_errors_total}), logged once per failure streak, and named in the bot's status
 * until a write succeeds again (the bot is then {@code kore_exporter_up} 0: what it counts would be counted again
 * after a restart). Part of a bot's {@link BotLedger}: guarded by the ledger's lock, except {@link #problem}.
 */
final class CheckpointWrites {
    /** Told how each checkpoint write went: what a written checkpoint holds may be shown to scrapes. */
    interface Commits {
        void written();

        void failed();
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
                        + "): counts stay correct while the process runs, but a restart would re-read and count again");
            }
            // The exception names the file and the file system's reason, never the checkpoint's content.
            problem = "checkpoint not written: " + e.getMessage()
                    + "; a restart now would count again what was counted since the last one written";
            commits.failed();
            return false;
        }
    }

    /** Why the last write failed, or null; read from any thread. */
    String problem() {
        return problem;
    }
}
