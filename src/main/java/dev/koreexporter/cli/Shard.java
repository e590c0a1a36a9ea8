package dev.koreexporter.cli;

/** This replica is number {@code index} of {@code count} ({@code --shard index/count}); 0/1 means all bots. */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard needs 0 <= index < count, got " + index + "/" + count);
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
