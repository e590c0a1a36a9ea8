package dev.koreexporter.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How the simulated tenant serves one request. {@link #DOCUMENTED} is Kore.ai as its API docs describe it,
 * {@link #RECORDED} as responses recorded on production tenants show it (the simulator's default,
 * {@link SimulatorOptions#tenant()}); an {@link ApiInterceptor} may change any of it for one request (the lab's
 * faults do).
 *
 * @param clockOffset          how far the server's clock (its now and its {@code Date} header) is off the simulator's
 * @param retryAfter           whether 429 answers carry {@code Retry-After}
 * @param endpointExists       false: after the token check the endpoint answers 404, as on a tenant without it
 * @param channelTypeHonoured  false: the messages endpoints serve every channel, whatever {@code channelType} asks
 * @param activeSessionsListed false: getSessions without {@code containmentType} lists closed sessions only
 * @param pageCap              most records a page holds, below the endpoint's own cap (no error, as Kore.ai caps)
 * @param pagesOverlap         a page after the first starts one record early, repeating the previous page's last
 * @param reversed             a page lists its records in the reverse of the order asked for (or documented)
 * @param v2OldestFirst        getMessagesV2 without {@code forward} lists oldest first (the docs say newest first)
 * @param v2EveryChannel       getMessagesV2 without {@code channelType} serves every channel (the docs say {@code rtm})
 * @param pageTime             how long a page takes by the records it serves, and above which size it hangs
 */
public record Serving(Duration clockOffset, boolean retryAfter, boolean endpointExists, boolean channelTypeHonoured,
                      boolean activeSessionsListed, int pageCap, boolean pagesOverlap, boolean reversed,
                      boolean v2OldestFirst, boolean v2EveryChannel, PageTime pageTime) {
    public static final Serving DOCUMENTED = new Serving(Duration.ZERO, true, true, true, true, Integer.MAX_VALUE,
            false, false, false, false, PageTime.INSTANT);

    /** What recorded responses showed beyond the docs (README "How it reads Kore.ai"). */
    public static final Serving RECORDED = DOCUMENTED.withV2OldestFirst(true).withV2EveryChannel(true);

    public Serving {
        Objects.requireNonNull(clockOffset, "clockOffset");
        Objects.requireNonNull(pageTime, "pageTime");
        if (pageCap < 1) {
            throw new IllegalArgumentException("pageCap must be positive: " + pageCap);
        }
    }

    public Serving withClockOffset(Duration v) {
        return new Serving(v, retryAfter, endpointExists, channelTypeHonoured, activeSessionsListed, pageCap,
                pagesOverlap, reversed, v2OldestFirst, v2EveryChannel, pageTime);
    }

    public Serving withRetryAfter(boolean v) {
        return new Serving(clockOffset, v, endpointExists, channelTypeHonoured, activeSessionsListed, pageCap,
                pagesOverlap, reversed, v2OldestFirst, v2EveryChannel, pageTime);
    }

    public Serving withEndpointExists(boolean v) {
        return new Serving(clockOffset, retryAfter, v, channelTypeHonoured, activeSessionsListed, pageCap,
                pagesOverlap, reversed, v2OldestFirst, v2EveryChannel, pageTime);
    }

    public Serving withChannelTypeHonoured(boolean v) {
        return new Serving(clockOffset, retryAfter, endpointExists, v, activeSessionsListed, pageCap,
                pagesOverlap, reversed, v2OldestFirst, v2EveryChannel, pageTime);
    }

    public Serving withActiveSessionsListed(boolean v) {
        return new Serving(clockOffset, retryAfter, endpointExists, channelTypeHonoured, v, pageCap,
                pagesOverlap, reversed, v2OldestFirst, v2EveryChannel, pageTime);
    }

    public Serving withPageCap(int v) {
        return new Serving(clockOffset, retryAfter, endpointExists, channelTypeHonoured, activeSessionsListed, v,
                pagesOverlap, reversed, v2OldestFirst, v2EveryChannel, pageTime);
    }

    public Serving withPagesOverlap(boolean v) {
        return new Serving(clockOffset, retryAfter, endpointExists, channelTypeHonoured, activeSessionsListed, pageCap,
                v, reversed, v2OldestFirst, v2EveryChannel, pageTime);
    }

    public Serving withReversed(boolean v) {
        return new Serving(clockOffset, retryAfter, endpointExists, channelTypeHonoured, activeSessionsListed, pageCap,
                pagesOverlap, v, v2OldestFirst, v2EveryChannel, pageTime);
    }

    public Serving withV2OldestFirst(boolean v) {
        return new Serving(clockOffset, retryAfter, endpointExists, channelTypeHonoured, activeSessionsListed, pageCap,
                pagesOverlap, reversed, v, v2EveryChannel, pageTime);
    }

    public Serving withV2EveryChannel(boolean v) {
        return new Serving(clockOffset, retryAfter, endpointExists, channelTypeHonoured, activeSessionsListed, pageCap,
                pagesOverlap, reversed, v2OldestFirst, v, pageTime);
    }

    public Serving withPageTime(PageTime v) {
        return new Serving(clockOffset, retryAfter, endpointExists, channelTypeHonoured, activeSessionsListed, pageCap,
                pagesOverlap, reversed, v2OldestFirst, v2EveryChannel, v);
    }
}
