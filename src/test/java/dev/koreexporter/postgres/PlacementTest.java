package dev.koreexporter.postgres;

import dev.koreexporter.config.Shard;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement of bots on the live replicas (README "Running several replicas"): rendezvous hashing over replica ids, so a
 * replica joining or leaving moves only the bots that must move, about 1/N of them.
 */
class PlacementTest {
    private static final List<String> BOTS = new ArrayList<>();

    static {
        for (int i = 0; i < 20_000; i++) {
            BOTS.add("st-" + UUID.nameUUIDFromBytes(("placed" + i).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void theOwnerIsTheReplicaOfHighestSha256WeightOverTheBotIdAndTheReplicaId() throws Exception {
        List<String> replicas = List.of("pod-a-1-00aa", "pod-b-7-ffee", "pod-c-3-1234");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String bot : BOTS.subList(0, 200)) {
            String best = null;
            long weight = 0;
            for (String r : replicas) {
                sha.update(bot.getBytes(StandardCharsets.UTF_8));
                long w = ByteBuffer.wrap(sha.digest(r.getBytes(StandardCharsets.UTF_8))).getLong();
                if (best == null || Long.compareUnsigned(w, weight) > 0) {
                    best = r;
                    weight = w;
                }
            }
            assertEquals(best, Shard.ownerAmong(bot, replicas));
            assertEquals(best, Shard.ownerAmong(bot, replicas.reversed()), "the order of the live list does not matter");
        }
    }

    @Test
    void aReplicaJoiningOrLeavingMovesOnlyItsShareOfTheBots() {
        List<String> three = List.of("r1", "r2", "r3");
        List<String> four = List.of("r1", "r2", "r3", "r4");
        List<String> two = List.of("r2", "r4");
        double joined = moved(three, four);
        double removedTwo = moved(four, two);
        System.out.printf("placement: 3 -> 4 replicas moved %.4f of the bots (ideal 0.25), 4 -> 2 moved %.4f (ideal 0.5)%n",
                joined, removedTwo);
        assertTrue(Math.abs(joined - 0.25) < 0.02, "3 -> 4 moved " + joined);
        assertTrue(Math.abs(removedTwo - 0.5) < 0.02, "4 -> 2 moved " + removedTwo);
    }

    /** The share of bots whose replica changes; asserts that a bot only moves to a new replica or off a removed one. */
    private static double moved(List<String> before, List<String> after) {
        int moved = 0;
        for (String bot : BOTS) {
            String from = Shard.ownerAmong(bot, before);
            String to = Shard.ownerAmong(bot, after);
            if (!from.equals(to)) {
                moved++;
                assertTrue(!after.contains(from) || !before.contains(to),
                        bot + " moved between two replicas that stay: " + from + " -> " + to);
            }
        }
        return moved / (double) BOTS.size();
    }
}
