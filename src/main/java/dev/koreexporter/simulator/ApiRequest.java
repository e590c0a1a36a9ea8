package dev.koreexporter.simulator;

import dev.koreexporter.kore.Endpoint;

import java.time.Instant;

/**
 * One API request to a known bot as it arrived: when (on the simulator's clock) and how many requests the bot
 * had received in the trailing 60 s and hour, this one included (Kore.ai's rate limits count those).
 */
public record ApiRequest(SimBot bot, Endpoint endpoint, Instant arrivedAt, int requestsLastMinute,
                         int requestsLastHour) {
}
