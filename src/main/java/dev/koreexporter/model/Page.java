package dev.koreexporter.model;

import java.util.List;

/**
 * One page of an API listing: the records that could be read, the ones rejected, how many raw records the page
 * held (paging advances by that count) and, for a lookup by id, the ids Kore.ai did not know.
 */
public record Page<T>(List<T> records, List<Rejection> rejections, int received, List<String> unknownIds) {
    public Page {
        records = List.copyOf(records);
        rejections = List.copyOf(rejections);
        unknownIds = List.copyOf(unknownIds);
    }
}
