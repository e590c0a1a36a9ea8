package dev.koreexporter.testing;

import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.PageAt;
import dev.koreexporter.kore.Query;
import dev.koreexporter.kore.ReadPosition;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Page;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

/** A {@link KoreApi} that passes everything on to another and lets a test watch, or act on, each page a read hands out. */
public final class TappedKoreApi implements KoreApi {
    /** Told of each read; returns what runs as each of its pages is handed out (given its number, from 1), or null. */
    public interface Tap {
        IntConsumer read(Listing<?> listing, Query query, ReadPosition from);
    }

    private final KoreApi api;
    private final Tap tap;

    public TappedKoreApi(KoreApi api, Tap tap) {
        this.api = api;
        this.tap = tap;
    }

    /** Runs {@code action} (a SIGTERM, say) as the {@code n}-th page of any one read is handed out. */
    public static KoreApi interruptedAt(KoreApi api, int n, Runnable action) {
        return new TappedKoreApi(api, (listing, query, from) -> page -> {
            if (page == n) {
                action.run();
            }
        });
    }

    @Override
    public <T extends KoreRecord> Iterable<Page<T>> pages(Listing<T> listing, Query query) {
        return api.pages(listing, query);
    }

    @Override
    public <T extends KoreRecord> Iterable<PageAt<T>> read(Listing<T> listing, Query query, ReadPosition from) {
        Iterable<PageAt<T>> pages = api.read(listing, query, from);
        IntConsumer onPage = tap.read(listing, query, from);
        if (onPage == null) {
            return pages;
        }
        return () -> {
            Iterator<PageAt<T>> it = pages.iterator();
            return new Iterator<>() {
                int handed;

                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public PageAt<T> next() {
                    onPage.accept(++handed);
                    return it.next();
                }
            };
        };
    }

    @Override
    public Map<String, Long> pageHints() {
        return api.pageHints();
    }

    @Override
    public void restorePageHints(Map<String, Long> hints) {
        api.restorePageHints(hints);
    }

    @Override
    public long answered() {
        return api.answered();
    }

    @Override
    public Optional<Instant> serverTime() {
        return api.serverTime();
    }
}
