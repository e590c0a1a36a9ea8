package dev.koreexporter.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How the simulated tenant serves one request. {@link #DOCUMENTED} is Kore.ai as its API docs describe it; an
 * {@link ApiInterceptor} may change any of it for one request (the lab's faults do), and a tenant that behaves
 * otherwise for every request starts from another value.
 *
 * @param clockOffset          how far the server's clock (its now and its {@code Date} header) is off the simulator's
 * @param retryAfter           whether 429 answers carry {@code Retry-After}
 * @param endpointExists       false: after the token check the endpoint answers 404, as on a tenant without it
 * @param channelTypeHonoured  false: the messages endpoints serve every channel, whatever {@code channelType} asks
 * @param activeSessionsListed false: getSessions without {@code containmentType} lists closed sessions only
 * @param pageCap              most records a page holds, below the endpoint's own cap (no error, as Kore.ai caps)
 * @param pagesOverlap         a page after the first starts one record early, repeating the previous page's last
 * @param reversed             a page lists its records in the reverse of the order asked for (or documented)
 */
public record Serving(Duration clockOffset, boolean retryAfter, boolean endpointExists, boolean channelTypeHonoured,
                      boolean activeSessionsListed, int pageCap, boolean pagesOverlap, boolean reversed) {
    public static final Serving DOCUMENTED =
            new Serving(Duration.ZERO, true, true, true, true, Integer.MAX_VALUE, false, false);

    public Serving {
        Objects.requireNonNull(clockOffset, "clockOffset");
        if (pageCap < 1) {
            throw new IllegalArgumentException("pageCap must be positive: " + pageCap);
        }
    }
}
