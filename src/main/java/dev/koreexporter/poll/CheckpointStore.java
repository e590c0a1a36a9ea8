package dev.koreexporter.poll;

import java.io.IOException;
import java.util.Optional;

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
}
