package dev.koreexporter.poll;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the bot's client learnt of where records lie in its listings (Agent AI's page cursors), carried in the
 * checkpoint: {@code current} is asked at each checkpoint, {@code restore} given what the checkpoint kept.
 */
record PageHints(Supplier<Map<String, Long>> current, Consumer<Map<String, Long>> restore) {
    static final PageHints NONE = new PageHints(Map::of, hints -> { });
}
