package dev.koreexporter.bench;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Secret;
import dev.koreexporter.poll.Checkpoint;
import dev.koreexporter.poll.CheckpointStore;
import dev.koreexporter.simulator.SimBot;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Small pieces the benchmarks share. */
final class BenchSupport {
    private BenchSupport() {
    }

    static ExporterConfig.Bot configOf(SimBot b) {
        return new ExporterConfig.Bot(b.name(), b.botId(), b.clientId(), new Secret(b.clientSecret()), b.accountId(),
                b.channels());
    }

    /**
     * Checkpoints kept in memory: the API-cost run is about requests, and a file write per page would make a
     * simulated day take minutes of disk time without changing a single request.
     */
    static final class MemoryCheckpoints implements CheckpointStore {
        private final Map<String, Checkpoint> saved = new ConcurrentHashMap<>();

        @Override
        public Optional<Checkpoint> load(String botName) {
            return Optional.ofNullable(saved.get(botName));
        }

        @Override
        public void save(String botName, Checkpoint checkpoint) {
            saved.put(botName, checkpoint);
        }
    }
}
