package dev.koreexporter;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;

/** Keeps the bots this replica polls ({@link Shard#owns}: the same rule on every replica and release). */
final class ShardedConfig {
    private ShardedConfig() {
    }

    static ExporterConfig select(ExporterConfig config, Shard shard) {
        if (!shard.sharded()) {
            return config;
        }
        return new ExporterConfig(config.server(), config.kore(), config.poll(), config.state(), config.metrics(),
                config.tracing(), config.bots().stream().filter(b -> shard.owns(b.id())).toList(),
                config.slos(), config.filters());
    }
}
