package dev.koreexporter.doctor;

import dev.koreexporter.kore.Endpoint;

import java.time.Duration;
import java.util.Locale;

/**
 * The {@code page-time} check (README "First run against your tenant"): the slowest request doctor sent, against
 * {@code kore.timeout}. Real tenants' large pages can take longer than a timeout; the exporter then asks for smaller
 * pages, and a slowest page above half the timeout says the exporter is close to that.
 */
final class PageTimeCheck {
    static final String NAME = "page-time";

    private Duration slowest = Duration.ZERO;
    private Endpoint endpoint;

    /** Told of every request doctor sent, answered or not. */
    void request(Endpoint endpoint, Duration took) {
        if (this.endpoint == null || took.compareTo(slowest) > 0) {
            slowest = took;
            this.endpoint = endpoint;
        }
    }

    CheckResult check(Duration timeout) {
        if (endpoint == null) {
            return CheckResult.ok(NAME, "no request sent");
        }
        String detail = "slowest request " + millis(slowest) + " (" + endpoint.label() + "), kore.timeout "
                + millis(timeout);
        if (slowest.compareTo(timeout) >= 0) {
            return CheckResult.warn(NAME, detail + ": a request ran past kore.timeout; the exporter then asks that"
                    + " stream for pages half as large for 30 min, at more requests (raise kore.timeout if Kore.ai"
                    + " answers in the end)");
        }
        if (slowest.multipliedBy(2).compareTo(timeout) > 0) {
            return CheckResult.warn(NAME, detail + ": above half of kore.timeout, so larger pages may time out"
                    + " (the exporter then halves the page size for that stream); consider raising kore.timeout");
        }
        return CheckResult.ok(NAME, detail);
    }

    private static String millis(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
