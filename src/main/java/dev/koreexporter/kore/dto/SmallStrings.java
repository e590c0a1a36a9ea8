package dev.koreexporter.kore.dto;

/**
 * Re-uses the String of a value seen before, for fields with few distinct values (type, channel,
 * language, providers): a 10,000-message page would otherwise build tens of thousands of equal strings,
 * and the metrics' label lookups then hash each fresh copy again (a String caches its hash). A small
 * direct-mapped table: a collision only means a new String is built, never a wrong one.
 */
final class SmallStrings {
    private static final int SIZE = 64;
    private static final int MAX_LENGTH = 32;

    private final String[] table = new String[SIZE];

    String of(char[] chars, int offset, int length) {
        if (length > MAX_LENGTH) {
            return new String(chars, offset, length);
        }
        int hash = 0;
        for (int i = offset; i < offset + length; i++) {
            hash = 31 * hash + chars[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (SIZE - 1);
        String cached = table[slot];
        if (cached != null && cached.length() == length && equal(cached, chars, offset)) {
            return cached;
        }
        String made = new String(chars, offset, length);
        table[slot] = made;
        return made;
    }

    private static boolean equal(String s, char[] chars, int offset) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
