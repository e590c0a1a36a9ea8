package dev.koreexporter.simulator;

import java.util.List;

/** One page of matching records and how many matched in all. */
record Slice<T>(List<T> items, int total) {
}
