package dev.koreexporter.poll;

import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.PageAt;
import dev.koreexporter.kore.Query;
import dev.koreexporter.kore.ReadPosition;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Page;

import java.util.Iterator;

/** A KoreApi that runs {@code action} (a SIGTERM, say) as the {@code n}-th page of any one read is handed out. */
final class InterruptingApi implements KoreApi {
    private final KoreApi api;
    private final int n;
    private final Runnable action;

    InterruptingApi(KoreApi api, int n, Runnable action) {
        this.api = api;
        this.n = n;
        this.action = action;
    }

    @Override
    public <T extends KoreRecord> Iterable<Page<T>> pages(Listing<T> listing, Query query) {
        return api.pages(listing, query);
    }

    @Override
    public <T extends KoreRecord> Iterable<PageAt<T>> read(Listing<T> listing, Query query, ReadPosition from) {
        Iterable<PageAt<T>> pages = api.read(listing, query, from);
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
                    if (++handed == n) {
                        action.run();
                    }
                    return it.next();
                }
            };
        };
    }
}
