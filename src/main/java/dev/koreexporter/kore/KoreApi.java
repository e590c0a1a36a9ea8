package dev.koreexporter.kore;

import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Page;

import java.time.Instant;
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
     * Kore.ai's time at its latest answer, from its {@code Date} headers; empty when unknown (no answer yet,
     * or an API that does not tell).
     */
    default Optional<Instant> serverTime() {
        return Optional.empty();
    }
}
