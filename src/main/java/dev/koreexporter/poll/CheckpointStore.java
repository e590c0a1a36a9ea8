package dev.koreexporter.poll;

import dev.koreexporter.config.ExporterConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.logging.Logger;

/** Where bot checkpoints live. */
public interface CheckpointStore {
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
     * state dir itself cannot be read (logged).
     *
     * @throws UncheckedIOException (of a {@link CorruptCheckpointException}) when the bot's checkpoint cannot be used
     */
    default Optional<Checkpoint> restore(ExporterConfig.Bot bot) {
        Logger log = Logger.getLogger(CheckpointStore.class.getName());
        Optional<Checkpoint> cp;
        try {
            cp = load(bot.name());
        } catch (CorruptCheckpointException e) {
            // Never start afresh over a checkpoint that exists: that would re-count the backfill and overwrite
            // the file. The bot stops instead (README "Reliability and security"); see BotSlot.
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            // The state dir itself is broken (not a directory, I/O error): no checkpoint can be there. Counting
            // goes on; the failing writes show in kore_exporter_checkpoint_errors_total and /health/ready.
            log.severe("bot=" + bot.name() + " cannot read its checkpoint, starting afresh: " + e.getMessage());
            return Optional.empty();
        }
        if (cp.isPresent() && !bot.id().equals(cp.get().botId())) {
            log.warning("bot=" + bot.name() + " checkpoint belongs to another bot id, starting afresh");
            return Optional.empty();
        }
        return cp;
    }
}
