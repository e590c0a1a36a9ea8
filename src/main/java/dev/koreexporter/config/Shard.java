package dev.koreexporter.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * This replica is number {@code index} of {@code count} ({@code --shard index/count}); 0/1, the same as no
 * {@code --shard}, means all bots.
 *
 * <p>A bot belongs to the shard of the highest rendezvous weight (README "Running several replicas"): the weight
 * of shard {@code i} is the first 8 bytes, as an unsigned big-endian number, of SHA-256 over the bot id's UTF-8
 * bytes followed by {@code i} as 4 big-endian bytes; equal weights go to the lower index. Every release and
 * every replica must compute exactly this, so it is a fixed, standard function and not {@code hashCode}.
 * Changing the count moves only the bots whose highest weight changes: going from N to N + 1 shards only
 * bots that now weigh most on the new shard move (about 1 in N + 1), going down only the removed shard's.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard needs 0 <= index < count, got " + index + "/" + count);
        }
    }

    /** Whether the replicas are split: {@code --shard} with a count above 1. */
    public boolean sharded() {
        return count > 1;
    }

    /** Whether this shard polls the bot with this id. */
    public boolean owns(String botId) {
        return ownerOf(botId, count) == index;
    }

    /** The shard, of {@code count}, that polls the bot with this id. */
    public static int ownerOf(String botId, int count) {
        byte[] id = botId.getBytes(StandardCharsets.UTF_8);
        MessageDigest sha256 = sha256();
        int owner = 0;
        long best = 0;
        for (int i = 0; i < count; i++) {
            sha256.update(id);
            long weight = ByteBuffer.wrap(sha256.digest(ByteBuffer.allocate(4).putInt(i).array())).getLong();
            if (i == 0 || Long.compareUnsigned(weight, best) > 0) {
                owner = i;
                best = weight;
            }
        }
        return owner;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
