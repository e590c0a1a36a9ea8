package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Optional;
import java.util.logging.Logger;

/** Where bot checkpoints live, for a replica polling under one shard layout. */
public interface CheckpointStore {
    /** Reads of a checkpoint failing for another reason than "missing" or "corrupt" are tried this often a cycle. */
    int TRANSIENT_READ_ATTEMPTS = 3;

    /** Whether a read failed because the state dir's path is no directory, so that no checkpoint can exist. */
    static boolean noFileCanBeThere(IOException e) {
        return e instanceof NotDirectoryException || e instanceof NoSuchFileException
                || e instanceof FileSystemException f && "Not a directory".equals(f.getReason());
    }
    /**
     * The shard layout of this replica ({@code --shard}; {@link Shard#ALL} without it): stamped on every checkpoint
     * written here and compared at every restore (README "Running several replicas").
     */
    default Shard layout() {
        return Shard.ALL;
    }

    /**
     * @throws CorruptCheckpointException when the bot's checkpoint exists but cannot be used; it is not touched
     */
    Optional<Checkpoint> load(String botName) throws IOException;

    /**
     * Takes the bot's lock, held while the bot is polled, so that two processes never poll one bot from one
     * state dir; empty when another holder has it. Stores without files never contend.
     */
    default Optional<CheckpointLock> tryLock(String botName) throws IOException {
        return Optional.of(new CheckpointLock() {
            @Override
            public String botName() {
                return botName;
            }

            @Override
            public void close() {
            }
        });
    }

    /**
     * Whether this process may count the bot now. A store shared by replicas says no once this replica no longer holds
     * the bot's lease by its own clock (README "Running several replicas"): the bot's ledger then stops counting.
     */
    default boolean mayCount(String botName) {
        return true;
    }

    /** Replaces the bot's checkpoint atomically: after a crash either the old or the new one is there. */
    void save(String botName, Checkpoint checkpoint) throws IOException;

    /**
     * The checkpoint a bot resumes from; empty to start afresh: there is none, it belongs to another bot id, it
     * comes from another shard layout ({@link Checkpoint#foreignTo}), or the state dir is no directory (logged).
     *
     * @throws UncheckedIOException (of a {@link CorruptCheckpointException}) when the bot's checkpoint cannot be used,
     *                              or (of another {@link IOException}) when it could not be read now (I/O error, too
     *                              many open files, a stale NFS handle): tried again next cycle, never replaced
     */
    default Optional<Checkpoint> restore(ExporterConfig.Bot bot) {
        Logger log = Logger.getLogger(CheckpointStore.class.getName());
        Optional<Checkpoint> cp = Optional.empty();
        for (int attempt = 1; ; attempt++) {
            try {
                cp = load(bot.name());
                break;
            } catch (CorruptCheckpointException e) {
                // Never start afresh over a checkpoint that exists: that would re-count the backfill and overwrite
                // the file. The bot stops instead (README "Reliability and security"); see BotSlot.
                throw new UncheckedIOException(e);
            } catch (IOException e) {
                if (noFileCanBeThere(e)) {
                    // The state dir is no directory: no checkpoint can be there. Counting goes on; the failing
                    // writes make the bot up 0 and show in kore_exporter_checkpoint_errors_total and /health/ready.
                    log.severe("bot=" + bot.name() + " cannot read its checkpoint, starting afresh: " + e.getMessage());
                    return Optional.empty();
                }
                if (attempt == TRANSIENT_READ_ATTEMPTS) {
                    // EIO, EMFILE, ESTALE...: the file may be good. Not polled this cycle (up 0, named), read again
                    // the next: starting afresh would count an hour again and overwrite it.
                    throw new UncheckedIOException(new IOException("cannot read its checkpoint now ("
                            + e.getMessage() + "); the file is kept as it is and read again every cycle", e));
                }
            }
        }
        if (cp.isPresent() && !bot.id().equals(cp.get().botId())) {
            log.warning("bot=" + bot.name() + " checkpoint belongs to another bot id, starting afresh");
            return Optional.empty();
        }
        Optional<String> foreign = cp.flatMap(c -> c.foreignTo(layout()));
        if (foreign.isPresent()) {
            // Catching up from its watermark would count again what another replica counted meanwhile.
            log.info("bot=" + bot.name() + " starts afresh, backfilling poll.backfill, instead of resuming its"
                    + " checkpoint: " + foreign.get());
            return Optional.empty();
        }
        return cp;
    }

    /**
     * This replica does not poll the bot under its {@link #layout()}: a checkpoint of the bot that it wrote under
     * an earlier layout is marked, so that it is never resumed, not even if that layout comes back (another replica
     * counts the bot meanwhile). A checkpoint another replica wrote (a shared state dir), one already marked, or
     * one whose lock another process holds is left alone; so is one that cannot be read.
     */
    default void movedAway(ExporterConfig.Bot bot) {
        Logger log = Logger.getLogger(CheckpointStore.class.getName());
        try {
            if (load(bot.name()).filter(c -> leftHere(c, bot)).isEmpty()) {
                return;
            }
            Optional<CheckpointLock> lock = tryLock(bot.name());
            if (lock.isEmpty()) {
                return;
            }
            try (CheckpointLock held = lock.get()) {
                Optional<Checkpoint> cp = load(held.botName()).filter(c -> leftHere(c, bot));
                if (cp.isPresent()) {
                    save(bot.name(), cp.get().movedAway(layout()));
                    log.info("bot=" + bot.name() + " is another replica's under --shard " + layout()
                            + ": its checkpoint here is marked and will never be resumed");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warning("bot=" + bot.name() + " cannot mark its checkpoint as moved to another replica (" + e.getMessage()
                    + "): delete it before this replica polls the bot again");
        }
    }

    /** A checkpoint of this bot written here (under this replica's index, or by 0.3.0) and not yet marked. */
    private boolean leftHere(Checkpoint cp, ExporterConfig.Bot bot) {
        return bot.id().equals(cp.botId()) && cp.movedUnder().isEmpty()
                && cp.shardLayout().map(s -> s.index() == layout().index()).orElse(true);
    }
}
