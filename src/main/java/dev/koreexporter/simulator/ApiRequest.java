package dev.koreexporter.simulator;

import dev.koreexporter.kore.Endpoint;

import java.time.Instant;

/**
 * One API request to a known bot as it arrived: when (on the simulator's clock), how many requests the bot had
 * received over HTTP in the trailing 60 s and hour, this one included, and what the bot's other consumer
 * ({@link SimBot#otherRequestsPerMinute()}) had sent. Kore.ai's rate limits count both.
 */
public record ApiRequest(SimBot bot, Endpoint endpoint, Instant arrivedAt, int requestsLastMinute,
                         int requestsLastHour, OtherRequests others) {

    /**
     * The other consumer's requests: in the same trailing windows, and all it sent and had refused with 429 since
     * an hour before the simulator started.
     */
    public record OtherRequests(int lastMinute, int lastHour, long sent, long throttled) {
        public static final OtherRequests NONE = new OtherRequests(0, 0, 0, 0);
    }

    /** The bot's requests in the trailing minute, every consumer's: what the per-minute limit counts. */
    public int botRequestsLastMinute() {
        return requestsLastMinute + others.lastMinute();
    }

    /** The bot's requests in the trailing hour, every consumer's: what the per-hour limit counts. */
    public int botRequestsLastHour() {
        return requestsLastHour + others.lastHour();
    }
}
