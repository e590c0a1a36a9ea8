package dev.koreexporter.doctor;

import dev.koreexporter.kore.KoreClient;

import java.time.Duration;
import java.time.Instant;

/** The {@code clock} check: the skew between Kore.ai's {@code Date} header and this host's clock. */
final class ClockCheck {
    static final Duration MAX_SKEW = Duration.ofSeconds(30);

    private ClockCheck() {
    }

    /** From the first answer: its {@code Date} against the local time halfway between sending and receiving. */
    static CheckResult of(KoreClient.Answer<?> first) {
        if (first.date() == null) {
            return CheckResult.warn("clock", "Kore.ai sent no readable Date header: the skew is unknown");
        }
        Instant local = first.sent().plus(Duration.between(first.sent(), first.received()).dividedBy(2));
        Duration skew = Duration.between(local, first.date());
        long seconds = Math.abs(skew.toSeconds());
        String direction = skew.isNegative() ? "behind" : "ahead of";
        if (skew.abs().compareTo(MAX_SKEW) > 0) {
            return CheckResult.warn("clock", "Kore.ai's clock is " + seconds + " s " + direction + " this host's:"
                    + " the exporter's windows follow this host's clock, so sync it (NTP); until then records"
                    + " land that much later or earlier than poll.lookback allows for");
        }
        return CheckResult.ok("clock", "Kore.ai's clock is within " + Math.max(1, seconds) + " s of this host's"
                + " (Date header, 1 s resolution)");
    }
}
