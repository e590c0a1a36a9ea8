package dev.koreexporter.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the tenant takes to answer a page, by the records it serves: production clients saw big pages take
 * over 30 s and pages of 10,000 hang (README "Development"). A page of more than {@code hangAbove} records is
 * never answered: the request hangs for {@code hang}, then its connection is closed without an answer, so a
 * client that keeps asking for such a page fails every time and one that asks for smaller pages succeeds.
 *
 * @param base        time every answer takes
 * @param perThousand time added per 1,000 records served
 * @param hangAbove   most records a page can serve and still be answered
 * @param hang        how long a page above {@code hangAbove} hangs before its connection is closed
 */
public record PageTime(Duration base, Duration perThousand, int hangAbove, Duration hang) {
    /** Answers at once, whatever the size: the simulator of 0.3.0. */
    public static final PageTime INSTANT = new PageTime(Duration.ZERO, Duration.ZERO, Integer.MAX_VALUE, Duration.ZERO);

    public PageTime {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(perThousand, "perThousand");
        Objects.requireNonNull(hang, "hang");
        if (base.isNegative() || perThousand.isNegative() || hang.isNegative()) {
            throw new IllegalArgumentException("page times must not be negative");
        }
        if (hangAbove < 0) {
            throw new IllegalArgumentException("hangAbove must not be negative: " + hangAbove);
        }
    }

    /** Pages that take {@code perThousand} per 1,000 records and are always answered. */
    public static PageTime growing(Duration perThousand) {
        return new PageTime(Duration.ZERO, perThousand, Integer.MAX_VALUE, Duration.ZERO);
    }

    /** The same, but a page of more than {@code records} records hangs for {@code hang} and is never answered. */
    public PageTime hangingAbove(int records, Duration hang) {
        return new PageTime(base, perThousand, records, hang);
    }

    public boolean hangs(int records) {
        return records > hangAbove;
    }

    /** How long an answered page of {@code records} records takes. */
    public Duration answerTime(int records) {
        return base.plus(perThousand.multipliedBy(records).dividedBy(1000));
    }
}
