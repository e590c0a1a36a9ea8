package dev.koreexporter.poll;

import java.time.Instant;
import java.util.Map;

/**
 * Ids already counted, with the time of their record. Pruned to the ids a future window can still return,
 * so its size follows the lookback horizon, not history. Not thread-safe: guarded by the poller's lock.
 *
 * <p>A busy bot's lookback holds tens of thousands of message ids; as {@code HashMap<String, Long>} entries
 * they took ~150 bytes each, most of the exporter's heap. Here an id is a 64-bit hash in an open-addressing
 * table of primitive longs (32 bytes per id at the table's fill). Two different ids share a hash with odds of
 * about n² / 2^65 (10^-10 for 75,000 ids): the second would not be counted.
 */
final class SeenIds {
    private static final long EMPTY = 0;
    private static final int MIN_CAPACITY = 16;

    private long[] hashes = new long[MIN_CAPACITY];
    private long[] times = new long[MIN_CAPACITY];
    private int size;

    SeenIds() {
    }

    /** Restores from a checkpoint: {@code pairs} holds hash, time, hash, time... */
    static SeenIds ofPairs(long[] pairs) {
        SeenIds ids = new SeenIds();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            ids.put(pairs[i] == EMPTY ? 1 : pairs[i], pairs[i + 1]);
        }
        return ids;
    }

    /** Restores from a checkpoint written before ids were hashed (version 1: id to time). */
    static SeenIds ofIds(Map<String, Long> ids) {
        SeenIds seen = new SeenIds();
        ids.forEach((id, time) -> seen.put(hash(id), time));
        return seen;
    }

    /** Remembers the id; false when it was already there. */
    boolean add(String id, Instant recordTime) {
        return put(hash(id), recordTime.toEpochMilli());
    }

    /** {@link #add} for an id already hashed with {@link #hash}, its record's time in epoch millis. */
    boolean addHash(long hash, long recordTime) {
        return put(hash, recordTime);
    }

    boolean contains(String id) {
        return containsHash(hash(id));
    }

    /** {@link #contains} for an id already hashed with {@link #hash}. */
    boolean containsHash(long hash) {
        return hashes[slot(hash)] != EMPTY;
    }

    void pruneBefore(Instant horizon) {
        long h = horizon.toEpochMilli();
        long[] oldHashes = hashes;
        long[] oldTimes = times;
        int kept = 0;
        for (int i = 0; i < oldHashes.length; i++) {
            kept += oldHashes[i] != EMPTY && oldTimes[i] >= h ? 1 : 0;
        }
        if (kept == size) {
            return;
        }
        // Rebuilt rather than deleted from in place: open addressing needs no tombstones this way.
        hashes = new long[capacityFor(kept)];
        times = new long[hashes.length];
        size = 0;
        for (int i = 0; i < oldHashes.length; i++) {
            if (oldHashes[i] != EMPTY && oldTimes[i] >= h) {
                put(oldHashes[i], oldTimes[i]);
            }
        }
    }

    int size() {
        return size;
    }

    /** hash, time, hash, time... for the checkpoint. */
    long[] pairs() {
        long[] pairs = new long[2 * size];
        int j = 0;
        for (int i = 0; i < hashes.length; i++) {
            if (hashes[i] != EMPTY) {
                pairs[j++] = hashes[i];
                pairs[j++] = times[i];
            }
        }
        return pairs;
    }

    private boolean put(long hash, long time) {
        int slot = slot(hash);
        if (hashes[slot] != EMPTY) {
            return false;
        }
        hashes[slot] = hash;
        times[slot] = time;
        if (++size * 2 > hashes.length) {
            grow();
        }
        return true;
    }

    private void grow() {
        long[] oldHashes = hashes;
        long[] oldTimes = times;
        hashes = new long[oldHashes.length * 2];
        times = new long[hashes.length];
        size = 0;
        for (int i = 0; i < oldHashes.length; i++) {
            if (oldHashes[i] != EMPTY) {
                put(oldHashes[i], oldTimes[i]);
            }
        }
    }

    /** The slot holding {@code hash}, or the empty slot where it would go (linear probing). */
    private int slot(long hash) {
        int mask = hashes.length - 1;
        int i = (int) hash & mask;
        while (hashes[i] != EMPTY && hashes[i] != hash) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static int capacityFor(int entries) {
        int capacity = MIN_CAPACITY;
        while (capacity < entries * 2 + 2) {
            capacity *= 2;
        }
        return capacity;
    }

    /** 64-bit FNV-1a over the id's chars, then MurmurHash3's finaliser to spread the bits; never 0. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == EMPTY ? 1 : h;
    }

    @Override
    public String toString() {
        return "SeenIds[" + size + "]";
    }
}
