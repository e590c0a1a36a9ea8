package dev.koreexporter.kore;

/**
 * Where a read of a {@link Listing} is, so that it can go on from there after a restart (README "How it reads
 * Kore.ai"): the request window it is in ({@code part}: the index of a window under 7 days, or of a range of whole
 * days, in the order the read takes them) and the position of the next request in it (the {@code skip}, or the page
 * number), or {@link #FROM_START} for wherever that window starts. Paging by {@code skip} over live data only ever
 * pushes records to later positions (records land, none leave), so going on from a position never misses a record
 * that was there when the pages before it were read.
 */
public record ReadPosition(int part, int at) {
    /** {@code at} for a window read from wherever it starts. */
    public static final int FROM_START = -1;
    /** The start of a read. */
    public static final ReadPosition START = new ReadPosition(0, FROM_START);

    /** Whether the read goes on inside the request window it is in (more pages of that window follow). */
    public boolean insideWindow() {
        return at != FROM_START;
    }

    public ReadPosition {
        if (part < 0 || at < FROM_START) {
            throw new IllegalArgumentException("no such read position: " + part + "/" + at);
        }
    }
}
