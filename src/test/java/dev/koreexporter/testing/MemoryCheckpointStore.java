package dev.koreexporter.testing;

import dev.koreexporter.poll.Checkpoint;
import dev.koreexporter.poll.CheckpointStore;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checkpoints kept in memory, for tests and benchmarks that are not about the file (the API-cost run would
 * spend minutes of disk time on a file write per page without changing a single request).
 */
public final class MemoryCheckpointStore implements CheckpointStore {
    private final Map<String, Checkpoint> saved = new ConcurrentHashMap<>();

    @Override
    public Optional<Checkpoint> load(String botName) {
        return Optional.ofNullable(saved.get(botName));
    }

    @Override
    public void save(String botName, Checkpoint checkpoint) {
        saved.put(botName, checkpoint);
    }

    /** What has been saved, by bot name (live view). */
    public Map<String, Checkpoint> saved() {
        return saved;
    }
}
