package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Optional;
import java.util.logging.Logger;

/** Where bot checkpoints live. */
public interface CheckpointStore {
    /** Reads of a checkpoint failing for another reason than "missing" or "corrupt" are tried this often a cycle. */
    int TRANSIENT_READ_ATTEMPTS = 3;

    /** Whether a read failed because the state dir's path is no directory, so that no checkpoint can exist. */
    static boolean noFileCanBeThere(IOException e) {
        return e instanceof NotDirectoryException || e instanceof NoSuchFileException
                || e instanceof FileSystemException f && "Not a directory".equals(f.getReason());
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

    /** Replaces the bot's checkpoint atomically: after a crash either the old or the new one is there. */
    void save(String botName, Checkpoint checkpoint) throws IOException;

    /**
     * The checkpoint a bot resumes from; empty to start afresh: there is none, it belongs to another bot id, or the
     * state dir is no directory (logged).
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
        return cp;
    }
}
