package dev.koreexporter.kore;

import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Page;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The Kore.ai analytics APIs of one bot, each described by a {@link Listing}. Reads are lazy: each page is fetched
 * when the iterator reaches it, and windows longer than an API allows are split transparently. Failures are thrown
 * as {@link KoreApiException} from the iterator.
 */
public interface KoreApi {

    /** The pages answering {@code query} from {@code listing}, oldest records first where the API orders them. */
    <T extends KoreRecord> Iterable<Page<T>> pages(Listing<T> listing, Query query);

    /**
     * The same pages from {@code from} on, each with where the read is after it ({@link ReadPosition}). This default,
     * for APIs that know no request windows, counts pages: position {@code (0, n)} is after the n-th page.
     */
    default <T extends KoreRecord> Iterable<PageAt<T>> read(Listing<T> listing, Query query, ReadPosition from) {
        return () -> new Iterator<>() {
            private final Iterator<Page<T>> pages = pages(listing, query).iterator();
            private int handed = skip();

            private int skip() {
                int skipped = 0;
                int target = from.part() > 0 ? Integer.MAX_VALUE : Math.max(0, from.at());
                while (skipped < target && pages.hasNext()) {
                    pages.next();
                    skipped++;
                }
                return skipped;
            }

            @Override
            public boolean hasNext() {
                return pages.hasNext();
            }

            @Override
            public PageAt<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return new PageAt<>(pages.next(), new ReadPosition(0, ++handed));
            }
        };
    }

    /**
     * What this client learnt of where records lie in its listings (Agent AI's page cursors), as the checkpoint keeps
     * it, so that a restart does not learn it again page by page; empty when nothing.
     */
    default Map<String, Long> pageHints() {
        return Map.of();
    }

    /** Takes back what {@link #pageHints} gave, from a checkpoint; what it cannot use is ignored. */
    default void restorePageHints(Map<String, Long> hints) {
    }

    /** Answers received from Kore.ai so far, whatever their status (a sign of progress, for liveness). */
    default long answered() {
        return 0;
    }

    /**
     * Kore.ai's time at its latest answer, from its {@code Date} headers; empty when unknown (no answer yet,
     * or an API that does not tell).
     */
    default Optional<Instant> serverTime() {
        return Optional.empty();
    }
}
