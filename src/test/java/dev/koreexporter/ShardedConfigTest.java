package dev.koreexporter;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;
import dev.koreexporter.testing.TestConfig;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

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
    void theOwnerIsTheShardOfHighestSha256WeightSoEveryReplicaAndReleaseAgrees() {
        // Owners for 1..11 shards, computed outside Java (Python's hashlib) from the rule README "Running several
        // replicas" gives: the first 8 bytes of SHA-256(UTF-8 id + 4-byte big-endian index), highest wins.
        Map<String, List<Integer>> expected = Map.of(
                "st-bot-a", List.of(0, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4),
                "st-00000000-0000-0000-0000-000000000001", List.of(0, 1, 1, 3, 3, 3, 3, 3, 3, 3, 10),
                "st-\u00fcn\u00efcode", List.of(0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8));
        expected.forEach((id, owners) -> {
            for (int count = 1; count <= owners.size(); count++) {
                assertEquals(owners.get(count - 1), Shard.ownerOf(id, count), id + " of " + count);
                assertTrue(new Shard(owners.get(count - 1), count).owns(id), id + " of " + count);
            }
        });
    }

    /**
     * The share of bots that change replica when the shard count changes, over many ids: rendezvous moves the
     * ideal share (a bot moves only to an added shard, or from a removed one), CRC32 mod N (0.3.0) nearly all.
     */
    @Test
    void changingTheShardCountMovesOnlyTheBotsThatMust() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            ids.add("st-" + UUID.nameUUIDFromBytes(("moved" + i).getBytes(StandardCharsets.UTF_8)));
        }
        for (int[] change : new int[][]{{3, 4}, {4, 3}, {10, 11}}) {
            int from = change[0];
            int to = change[1];
            int moved = 0;
            int movedByMod = 0;
            for (String id : ids) {
                int before = Shard.ownerOf(id, from);
                int after = Shard.ownerOf(id, to);
                if (before != after) {
                    moved++;
                    // Growing, a bot only moves to the new shard; shrinking, only the removed shard's bots move.
                    assertEquals(Math.max(from, to) - 1, to > from ? after : before, id + " " + from + "->" + to);
                }
                movedByMod += crc32(id) % from != crc32(id) % to ? 1 : 0;
            }
            double share = moved / (double) ids.size();
            double modShare = movedByMod / (double) ids.size();
            // The ideal: the bots of the added or removed shard, 1 / max(from, to).
            double ideal = 1.0 / Math.max(from, to);
            // A bot keeps its shard under mod N and mod N' when its hash mod lcm(N, N') is below min(N, N').
            double modTheory = 1.0 - Math.min(from, to) / (double) lcm(from, to);
            System.out.printf("shards %d -> %d: rendezvous moved %.4f (ideal %.4f), CRC32 mod N moved %.4f%n",
                    from, to, share, ideal, modShare);
            assertEquals(ideal, share, 0.01, from + " -> " + to);
            assertEquals(modTheory, modShare, 0.01, "CRC32 mod N, " + from + " -> " + to);
            assertTrue(share < modShare / 2, from + " -> " + to);
        }
    }

    @Test
    void oneShardKeepsTheConfigAsItIs() {
        ExporterConfig all = config(BOTS);
        assertSame(all, ShardedConfig.select(all, Shard.ALL));
    }

    private static long crc32(String id) {
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static int lcm(int a, int b) {
        return a / BigInteger.valueOf(a).gcd(BigInteger.valueOf(b)).intValue() * b;
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
