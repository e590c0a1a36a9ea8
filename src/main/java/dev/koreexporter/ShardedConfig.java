package dev.koreexporter;

import dev.koreexporter.cli.Shard;
import dev.koreexporter.config.ExporterConfig;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Keeps the bots this replica polls: a stable hash of the bot id picks the shard, the same on every replica. */
final class ShardedConfig {
    private ShardedConfig() {
    }

    static ExporterConfig select(ExporterConfig config, Shard shard) {
        if (shard.count() == 1) {
            return config;
        }
        return new ExporterConfig(config.server(), config.kore(), config.poll(), config.state(), config.metrics(),
                config.tracing(), config.bots().stream().filter(b -> shardOf(b.id(), shard.count()) == shard.index()).toList(),
                config.slos(), config.filters());
    }

    static int shardOf(String botId, int count) {
        CRC32 crc = new CRC32();
        crc.update(botId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }
}
