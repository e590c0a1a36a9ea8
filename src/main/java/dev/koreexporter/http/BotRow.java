package dev.koreexporter.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One bot's line on the status page, every figure already computed; an empty optional (or null) shows as
 * a dash. {@code window} is how far back the turn figures reach (null before there are two samples);
 * {@code freshnessSinceStart} says the p90 record delay covers all records since start, not the window.
 */
record BotRow(String bot, BotState state, String stateDetail, Instant lastSuccess, OptionalDouble lagSeconds,
              OptionalDouble freshnessP90, boolean freshnessSinceStart, OptionalDouble budgetMinute,
              OptionalDouble budgetHour, Duration window, OptionalDouble turnsPerMinute, OptionalDouble p50,
              OptionalDouble p90, Map<String, Double> containment, String lastError) {
}
