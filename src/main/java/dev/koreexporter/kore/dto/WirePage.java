package dev.koreexporter.kore.dto;

import dev.koreexporter.model.Page;

/**
 * One response body read into the model: the page, whether Kore.ai says more follow, and how many records it
 * says match in all ({@code total}, {@code totalResults}; -1 when it does not say).
 */
public record WirePage<T>(Page<T> page, boolean more, long total) {
}
