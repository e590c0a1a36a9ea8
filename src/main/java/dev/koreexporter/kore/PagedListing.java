package dev.koreexporter.kore;

import dev.koreexporter.kore.dto.WirePage;
import dev.koreexporter.model.Page;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.ToIntFunction;

/**
 * A lazy listing over consecutive windows: a page is fetched only when the iterator reaches it. Within a
 * window it stops when Kore.ai says no more follow, and also on an empty page, so a server that keeps
 * saying "more" without sending any cannot make it loop forever. Empty pages are not handed out.
 *
 * @param <W> the window type the fetcher understands
 */
final class PagedListing<W, T> implements Iterable<Page<T>> {

    /** Fetches one page of one window; {@code position} is the skip, or the page number. */
    @FunctionalInterface
    interface Fetcher<W, T> {
        WirePage<T> fetch(W window, int position);
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
    private final Fetcher<W, T> fetcher;
    private final ToIntFunction<W> start;

    PagedListing(List<W> windows, Paging paging, Fetcher<W, T> fetcher) {
        this(windows, paging, fetcher, w -> paging == Paging.SKIP ? 0 : 1);
    }

    /** {@code start} gives the first position of each window (a listing may resume past pages it knows). */
    PagedListing(List<W> windows, Paging paging, Fetcher<W, T> fetcher, ToIntFunction<W> start) {
        this.windows = List.copyOf(windows);
        this.paging = paging;
        this.fetcher = fetcher;
        this.start = start;
    }

    @Override
    public Iterator<Page<T>> iterator() {
        return new Iterator<>() {
            private int window;
            private int position = start(0);
            private Page<T> next;

            @Override
            public boolean hasNext() {
                while (next == null && window < windows.size()) {
                    WirePage<T> fetched = fetcher.fetch(windows.get(window), position);
                    int received = fetched.page().received();
                    if (received > 0) {
                        next = fetched.page();
                    }
                    if (received > 0 && fetched.more()) {
                        position = paging == Paging.SKIP ? position + received : position + 1;
                    } else {
                        window++;
                        position = start(window);
                    }
                }
                return next != null;
            }

            @Override
            public Page<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Page<T> page = next;
                next = null;
                return page;
            }
        };
    }

    private int start(int window) {
        return window < windows.size() ? start.applyAsInt(windows.get(window)) : 0;
    }
}
