package dev.koreexporter.model;

import java.util.List;

/**
 * One page of an API listing: the records that could be read, the ones rejected, and how many raw
 * records the page held (paging advances by that count).
 */
public record Page<T>(List<T> records, List<Rejection> rejections, int received) {
    public Page {
        records = List.copyOf(records);
        rejections = List.copyOf(rejections);
    }
}
