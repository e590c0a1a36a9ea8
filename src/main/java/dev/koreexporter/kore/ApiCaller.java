package dev.koreexporter.kore;

import dev.koreexporter.kore.dto.WireFormatException;
import dev.koreexporter.kore.dto.WireJson;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.logging.Logger;

/**
 * Makes one Kore.ai call for one bot, retrying what is worth retrying (README "Reliability and security"): 429
 * (after its {@code Retry-After}, or a jittered backoff), 5xx and no response, and a 2xx body cut short; a call
 * that still fails, or fails in a way another attempt cannot mend, is thrown as a {@link KoreApiException}.
 */
final class ApiCaller {
    private static final Logger LOG = Logger.getLogger(ApiCaller.class.getName());

    private final Transport transport;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final DoubleSupplier jitter;
    private final Clock clock;

    ApiCaller(Transport transport, RetryPolicy policy, Sleeper sleeper, DoubleSupplier jitter, Clock clock) {
        this.transport = transport;
        this.policy = policy;
        this.sleeper = sleeper;
        this.jitter = jitter;
        this.clock = clock;
    }

    /** Reads a 2xx body (un-gzipped); a truncated one is fetched again like a dropped connection. */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(byte[] body) throws WireFormatException;
    }

    /** The retries one call has had, by cause. */
    private static final class Attempts {
        int throttled;
        int transients;
        int truncated;
    }

    /**
     * POSTs {@code body} as JSON to {@code path} and returns the answer read by {@code reader}.
     *
     * @throws KoreApiException when the call fails for good; {@link KoreApiException.Interrupted} on interrupt
     */
    <T> T post(Endpoint endpoint, String path, Map<String, String> headers, Object body, BodyReader<T> reader) {
        byte[] payload = WireJson.write(body);
        Attempts attempts = new Attempts();
        while (true) {
            Transport.Response r;
            try {
                r = transport.send(endpoint, path, headers, payload);
            } catch (KoreApiException.NoResponse e) {
                retryTransient(endpoint, 0, e.detail(), "", attempts);
                continue;
            }
            int status = r.status();
            if (status == 429) {
                if (++attempts.throttled >= policy.maxThrottled()) {
                    throw new KoreApiException(endpoint, 429, "still throttled (HTTP 429) after "
                            + attempts.throttled + " attempts", null);
                }
                int retry = attempts.throttled;
                Duration wait = RetryAfter.parse(r.retryAfter(), clock.instant())
                        .map(d -> d.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : d)
                        .orElseGet(() -> policy.backoff(retry, jitter.getAsDouble()));
                sleep(endpoint, "HTTP 429", retry, policy.maxThrottled() - 1, wait);
            } else if (status >= 500) {
                retryTransient(endpoint, status, "HTTP " + status, r.koreMessage(": "), attempts);
            } else if (status == 401) {
                String message = r.koreMessage("");
                throw new KoreApiException.Auth(endpoint, message.isEmpty() ? "HTTP 401" : message);
            } else if (r.redirectRefused() != null) {
                throw new KoreApiException(endpoint, status, r.redirectRefused(), null);
            } else if (!r.ok()) {
                throw new KoreApiException(endpoint, status, "HTTP " + status + r.koreMessage(": "), null);
            } else {
                try {
                    return r.read(reader);
                } catch (WireFormatException e) {
                    if (!e.truncated() || ++attempts.truncated > policy.maxTruncatedRetries()) {
                        throw new KoreApiException.BadResponse(endpoint, status, e.getMessage(), null);
                    }
                    backoff(endpoint, "truncated body", attempts.truncated, policy.maxTruncatedRetries());
                }
            }
        }
    }

    /** Another attempt after a 5xx or no response, or the call fails when the retries are spent. */
    private void retryTransient(Endpoint endpoint, int status, String what, String koreMessage, Attempts attempts) {
        if (++attempts.transients > policy.maxTransientRetries()) {
            throw new KoreApiException(endpoint, status, what + " after " + attempts.transients + " attempts"
                    + koreMessage, null);
        }
        backoff(endpoint, what, attempts.transients, policy.maxTransientRetries());
    }

    private void backoff(Endpoint endpoint, String what, int retry, int of) {
        sleep(endpoint, what, retry, of, policy.backoff(retry, jitter.getAsDouble()));
    }

    private void sleep(Endpoint endpoint, String what, int retry, int of, Duration wait) {
        LOG.info(() -> "bot " + transport.bot() + " endpoint " + endpoint.label() + ": " + what + ", retry " + retry
                + "/" + of + " in " + wait.toMillis() + " ms");
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            throw Transport.interrupted(endpoint, e);
        }
    }
}
