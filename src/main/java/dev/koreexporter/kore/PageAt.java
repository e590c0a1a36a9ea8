package dev.koreexporter.kore;

import dev.koreexporter.model.Page;

/** A page of a read, and where the read is once that page is counted: a restart goes on from {@code next}. */
public record PageAt<T>(Page<T> page, ReadPosition next) {
}
