package dev.koreexporter.poll;

import java.io.IOException;
import java.util.Optional;

/** Where bot checkpoints live. */
public interface CheckpointStore {
    Optional<Checkpoint> load(String botName) throws IOException;

    /** Replaces the bot's checkpoint atomically: after a crash either the old or the new one is there. */
    void save(String botName, Checkpoint checkpoint) throws IOException;
}
