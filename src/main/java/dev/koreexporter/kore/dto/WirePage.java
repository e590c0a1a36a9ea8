package dev.koreexporter.kore.dto;

import dev.koreexporter.model.Page;

import java.util.List;

/**
 * One response body read into the model: the page, whether Kore.ai says more follow, and (getSessions by
 * id only) the ids it did not know.
 */
public record WirePage<T>(Page<T> page, boolean more, List<String> invalidIds) {
    public WirePage {
        invalidIds = List.copyOf(invalidIds);
    }
}
