package dev.koreexporter.kore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The page size each stream of one bot asks for (README "How it reads Kore.ai", slow pages): a stream is a listing
 * endpoint and, for messages, a channel. Kore.ai's pages can take longer than {@code kore.timeout} when large, so after
 * a request of a stream timed out asking for {@code n} records, none of its requests asks for more than {@code n / 2}
 * (never less than {@link PagedListing#MIN_LIMIT}) for {@link #KEEP}; then the documented size is tried again. What
 * is kept goes into the checkpoint with the client's page hints, so a restart does not time out again at the size
 * that did. Thread-safe: the checkpoint is written from the shutdown thread too.
 */
final class PageSizes {
    /** How long a stream keeps the size that did not time out. */
    static final Duration KEEP = Duration.ofMinutes(30);
    /** The prefix of this memory's entries among the page hints. */
    static final String PREFIX = "limit|";
    private static final String UNTIL = "|until";

    private record Stream(Endpoint endpoint, String channel) {
        String hint() {
            return PREFIX + endpoint.label() + "|" + (channel == null ? "" : channel);
        }
    }

    private record Reduced(int limit, Instant until) {
    }

    private final Clock clock;
    private final Map<Stream, Reduced> reduced = new HashMap<>();

    PageSizes(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What a request of the stream asks for now, given the endpoint's own page size. */
    synchronized int limit(Endpoint endpoint, String channel, int pageSize) {
        Reduced r = current(new Stream(endpoint, channel));
        return r == null ? pageSize : Math.min(pageSize, r.limit());
    }

    /** A request of the stream asking for {@code asked} records timed out; returns what the stream asks for now. */
    synchronized int timedOut(Endpoint endpoint, String channel, int asked) {
        Stream stream = new Stream(endpoint, channel);
        Reduced before = current(stream);
        int limit = Math.max(PagedListing.MIN_LIMIT, asked / 2);
        if (before != null) {
            limit = Math.min(limit, before.limit());
        }
        reduced.put(stream, new Reduced(limit, clock.instant().plus(KEEP)));
        return limit;
    }

    /** As the checkpoint keeps it: per stream its size and until when (epoch millis). */
    synchronized Map<String, Long> snapshot() {
        Map<String, Long> out = new HashMap<>();
        reduced.forEach((stream, r) -> {
            if (clock.instant().isBefore(r.until())) {
                out.put(stream.hint(), (long) r.limit());
                out.put(stream.hint() + UNTIL, r.until().toEpochMilli());
            }
        });
        return out;
    }

    /** Takes back what {@link #snapshot} gave; entries it does not know are ignored. */
    synchronized void restore(Map<String, Long> hints) {
        for (Endpoint endpoint : Endpoint.values()) {
            String prefix = PREFIX + endpoint.label() + "|";
            hints.forEach((key, limit) -> {
                Long until = hints.get(key + UNTIL);
                if (key.startsWith(prefix) && !key.endsWith(UNTIL) && until != null && limit != null
                        && limit >= PagedListing.MIN_LIMIT && limit <= endpoint.pageSize()) {
                    String channel = key.substring(prefix.length());
                    reduced.put(new Stream(endpoint, channel.isEmpty() ? null : channel),
                            new Reduced(limit.intValue(), Instant.ofEpochMilli(until)));
                }
            });
        }
    }

    private Reduced current(Stream stream) {
        Reduced r = reduced.get(stream);
        if (r != null && !clock.instant().isBefore(r.until())) {
            reduced.remove(stream);
            return null;
        }
        return r;
    }
}
