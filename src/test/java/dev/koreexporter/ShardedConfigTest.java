package dev.koreexporter;

import dev.koreexporter.cli.Shard;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.testing.TestConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardedConfigTest {
    private static final List<ExporterConfig.Bot> BOTS = bots(200);

    @Test
    void everyBotIsPolledByExactlyOneShard() {
        for (int count : new int[]{2, 3, 5, 16}) {
            Map<String, Integer> owners = new HashMap<>();
            for (int i = 0; i < count; i++) {
                for (ExporterConfig.Bot b : ShardedConfig.select(config(BOTS), new Shard(i, count)).bots()) {
                    Integer previous = owners.put(b.id(), i);
                    assertEquals(null, previous, b.id() + " in shards " + previous + " and " + i + " of " + count);
                }
            }
            assertEquals(BOTS.size(), owners.size(), "every bot has a shard of " + count);
        }
    }

    @Test
    void aBotsShardDependsOnlyOnItsIdNotOnTheOtherBotsOrTheirOrder() {
        List<ExporterConfig.Bot> reversed = new ArrayList<>(BOTS.subList(0, 50));
        Collections.reverse(reversed);
        for (int i = 0; i < 4; i++) {
            Shard shard = new Shard(i, 4);
            List<String> fromAll = ShardedConfig.select(config(BOTS), shard).bots().stream()
                    .map(ExporterConfig.Bot::id).filter(id -> reversed.stream().anyMatch(b -> b.id().equals(id))).sorted().toList();
            List<String> fromSubset = ShardedConfig.select(config(reversed), shard).bots().stream()
                    .map(ExporterConfig.Bot::id).sorted().toList();
            assertEquals(fromAll, fromSubset, "shard " + shard);
        }
    }

    @Test
    void shardOfIsTheCrc32OfTheBotIdSoItIsTheSameOnEveryReplicaAndRelease() {
        // Replicas of different versions must agree: the rule is CRC32 of the UTF-8 id modulo the shard count.
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("st-bot-a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals((int) (crc.getValue() % 7), ShardedConfig.shardOf("st-bot-a", 7));
        assertEquals(ShardedConfig.shardOf("st-bot-a", 7), ShardedConfig.shardOf("st-bot-a", 7));
    }

    @Test
    void shardsAreRoughlyBalanced() {
        int[] sizes = new int[4];
        BOTS.forEach(b -> sizes[ShardedConfig.shardOf(b.id(), 4)]++);
        for (int size : sizes) {
            assertTrue(size > 25 && size < 75, "shard sizes " + java.util.Arrays.toString(sizes));
        }
    }

    @Test
    void oneShardKeepsTheConfigAsItIs() {
        ExporterConfig all = config(BOTS);
        assertSame(all, ShardedConfig.select(all, Shard.ALL));
    }

    private static List<ExporterConfig.Bot> bots(int n) {
        TestConfig config = TestConfig.builder();
        for (int i = 0; i < n; i++) {
            config.bot("bot-" + i, "st-" + UUID.nameUUIDFromBytes(("bot" + i).getBytes()), "cs-" + i, "secret-" + i);
        }
        return config.bots();
    }

    private static ExporterConfig config(List<ExporterConfig.Bot> bots) {
        TestConfig config = TestConfig.builder();
        bots.forEach(config::bot);
        return config.build();
    }
}
