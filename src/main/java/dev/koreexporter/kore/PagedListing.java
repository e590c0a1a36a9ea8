package dev.koreexporter.kore;

import dev.koreexporter.kore.dto.WirePage;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.ToIntFunction;
import java.util.logging.Logger;

/**
 * A lazy listing over consecutive windows: a page is fetched only when the iterator reaches it. Within a
 * window it stops when Kore.ai says no more follow, and also on an empty page, so a server that keeps
 * saying "more" without sending any cannot make it loop forever. Empty pages are not handed out. Each page comes
 * with where the listing is after it ({@link ReadPosition}), and a listing may start from such a position.
 *
 * @param <W> the window type the fetcher understands
 */
final class PagedListing<W, T> implements Iterable<PageAt<T>> {
    private static final Logger LOG = Logger.getLogger(PagedListing.class.getName());

    /** Fetches one page of one window; {@code position} is the skip, or the page number. */
    @FunctionalInterface
    interface Fetcher<W, T> {
        WirePage<T> fetch(W window, int position);
    }

    /** Fetches one page of one window asking for at most {@code limit} records. */
    @FunctionalInterface
    interface LimitedFetcher<W, T> {
        WirePage<T> fetch(W window, int position, int limit);
    }

    /** The smallest page size asked for after pages that were too large or slow (README "How it reads Kore.ai"). */
    static final int MIN_LIMIT = 100;
    /** After this many timeouts in a row a read fails for the cycle: each one cost a whole {@code kore.timeout}. */
    static final int MAX_TIMEOUTS_IN_A_ROW = 3;

    /** The page size of the stream being read: what it asks for, and what it asks for after a timeout. */
    interface Limit {
        int current();

        /** A request for {@code asked} records timed out; returns what the stream asks for from now on. */
        int timedOut(int asked);
    }

    /** How the position moves from page to page. */
    enum Paging {
        /** {@code skip} from 0, advanced by the records actually received (pages may be capped). */
        SKIP,
        /** {@code page} from 1. */
        PAGE_NUMBER
    }

    private final List<W> windows;
    private final Paging paging;
    private final LimitedFetcher<W, T> fetcher;
    private final ToIntFunction<W> start;
    private final Limit limit;
    private final ReadPosition from;

    PagedListing(List<W> windows, Paging paging, Fetcher<W, T> fetcher) {
        this(windows, paging, fetcher, w -> paging == Paging.SKIP ? 0 : 1, ReadPosition.START);
    }

    /**
     * {@code start} gives the first position of each window (a listing may resume past pages it knows); the listing
     * begins at {@code from}.
     */
    PagedListing(List<W> windows, Paging paging, Fetcher<W, T> fetcher, ToIntFunction<W> start, ReadPosition from) {
        this(windows, paging, (w, position, limit) -> fetcher.fetch(w, position), start, null, from);
    }

    private PagedListing(List<W> windows, Paging paging, LimitedFetcher<W, T> fetcher, ToIntFunction<W> start,
                         Limit limit, ReadPosition from) {
        this.windows = List.copyOf(windows);
        this.paging = paging;
        this.fetcher = fetcher;
        this.start = start;
        this.limit = limit;
        this.from = from;
    }

    /**
     * {@code skip} paging that survives pages too large or too slow to read: a page over
     * {@code kore.max-response-size} ({@link KoreApiException.TooLarge}) or not answered within {@code kore.timeout}
     * ({@link KoreApiException.TimedOut}) is asked for again at the same skip with half the {@code limit}, down to
     * {@link #MIN_LIMIT}, and the listing goes on with the smaller limit; a timeout also makes the stream keep the
     * smaller size ({@code limit}, see {@link PageSizes}). One still too large at {@link #MIN_LIMIT}, one timing out at
     * it, and the {@link #MAX_TIMEOUTS_IN_A_ROW}th timeout in a row are thrown (the stream's read fails this cycle and
     * is retried the next). Pages handed out before are unaffected, so nothing counted is lost.
     *
     * @param limit the stream's page size: asked for first, and told of timeouts
     * @param from  where the listing begins
     */
    static <W, T> PagedListing<W, T> shrinking(List<W> windows, Limit limit, ReadPosition from,
                                               LimitedFetcher<W, T> fetcher) {
        return new PagedListing<>(windows, Paging.SKIP, fetcher, w -> 0, limit, from);
    }

    @Override
    public Iterator<PageAt<T>> iterator() {
        return new Iterator<>() {
            private int window = from.part();
            private int position = from.at() == ReadPosition.FROM_START ? start(window) : from.at();
            private boolean windowStart = from.at() == ReadPosition.FROM_START;
            private int pageSize = limit == null ? MIN_LIMIT : limit.current();
            private int timeouts;
            private PageAt<T> next;

            @Override
            public boolean hasNext() {
                while (next == null && window < windows.size()) {
                    WirePage<T> fetched = fetch(windows.get(window));
                    int received = fetched.page().received();
                    if (received > 0 && fetched.more()) {
                        position = paging == Paging.SKIP ? position + received : position + 1;
                        windowStart = false;
                    } else {
                        window++;
                        position = start(window);
                        windowStart = true;
                    }
                    if (received > 0) {
                        // A new window's start is left to the listing then (Agent AI: its cursor knows more by then).
                        next = new PageAt<>(fetched.page(),
                                new ReadPosition(window, windowStart ? ReadPosition.FROM_START : position));
                    }
                }
                return next != null;
            }

            private WirePage<T> fetch(W w) {
                while (true) {
                    try {
                        WirePage<T> page = fetcher.fetch(w, position, pageSize);
                        timeouts = 0;
                        return page;
                    } catch (KoreApiException.TimedOut e) {
                        if (limit == null) {
                            throw e;
                        }
                        int asked = pageSize;
                        int smaller = Math.min(limit.timedOut(asked), asked);
                        if (++timeouts >= MAX_TIMEOUTS_IN_A_ROW || smaller >= asked) {
                            throw e;
                        }
                        int inARow = timeouts;
                        LOG.info(() -> e.endpoint().label() + ": page of " + asked + " records not answered within"
                                + " kore.timeout (" + inARow + " in a row), asking again for " + smaller
                                + " (kept for " + PageSizes.KEEP.toMinutes() + " min)");
                        pageSize = smaller;
                    } catch (KoreApiException.TooLarge e) {
                        if (pageSize <= MIN_LIMIT) {
                            throw e;
                        }
                        int smaller = Math.max(MIN_LIMIT, pageSize / 2);
                        int asked = pageSize;
                        LOG.info(() -> e.endpoint().label() + ": page of " + asked + " records over"
                                + " kore.max-response-size, asking again for " + smaller);
                        pageSize = smaller;
                    }
                }
            }

            @Override
            public PageAt<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                PageAt<T> page = next;
                next = null;
                return page;
            }
        };
    }

    private int start(int window) {
        return window < windows.size() ? start.applyAsInt(windows.get(window)) : 0;
    }
}
