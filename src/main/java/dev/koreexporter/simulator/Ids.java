package dev.koreexporter.simulator;

import java.util.UUID;

/** Deterministic ids: the same seed material always gives the same id. */
final class Ids {
    private Ids() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    static long mix(long a, long b) {
        return mix(a * 0x9E3779B97F4A7C15L + mix(b));
    }

    static String uuid(long a, long b) {
        long hi = (mix(a, b) & ~0xF000L) | 0x4000L;
        long lo = (mix(b, a) & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /** A 24-hex-digit id like the Mongo object ids Kore.ai uses for sessions and conversations. */
    static String objectId(long a, long b) {
        return String.format("%016x%08x", mix(a, b), mix(b, a) & 0xFFFFFFFFL);
    }

    static long hash(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return mix(h);
    }
}
