package dev.koreexporter.kore;

import dev.koreexporter.kore.dto.WireFormatException;
import dev.koreexporter.kore.dto.WireJson;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

/**
 * Sends one Kore.ai call for one bot: waits for the rate limiter before every attempt, signs it, retries
 * what is worth retrying, reports every attempt to the listener and returns the parsed body.
 */
final class ApiCaller {
    private static final System.Logger LOG = System.getLogger(ApiCaller.class.getName());
    private static final HeaderName AUTH = HeaderNames.create("auth");
    private static final int ERROR_BODY_BYTES = 64 * 1024;

    private final WebClient client;
    private final String baseUrl;
    private final String bot;
    private final JwtTokenSource jwt;
    private final RateLimiter limiter;
    private final ApiRequestListener listener;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier jitter;
    private final RetryPolicy policy;
    private final Duration deadline;
    private final long maxResponseSize;
    private final ServerClock serverClock;

    /**
     * @param deadline        {@code kore.timeout}: bounds each attempt as a whole, body included
     * @param maxResponseSize {@code kore.max-response-size}: largest body read, after un-gzipping
     * @param serverClock     told every {@code Date} header that arrives
     */
    ApiCaller(WebClient client, URI baseUrl, String bot, JwtTokenSource jwt, RateLimiter limiter,
              ApiRequestListener listener, Clock clock, Sleeper sleeper, DoubleSupplier jitter, RetryPolicy policy,
              Duration deadline, long maxResponseSize, ServerClock serverClock) {
        this.client = client;
        this.baseUrl = baseUrl.toString().replaceAll("/+$", "");
        this.bot = bot;
        this.jwt = jwt;
        this.limiter = limiter;
        this.listener = listener;
        this.clock = clock;
        this.sleeper = sleeper;
        this.jitter = jitter;
        this.policy = policy;
        this.deadline = deadline;
        this.maxResponseSize = maxResponseSize;
        this.serverClock = serverClock;
    }

    /**
     * An answer that arrived: a 2xx body read in full (at most {@code kore.max-response-size}) and
     * un-gzipped, or the reason it could not be un-gzipped; of other bodies only a prefix.
     */
    private record Response(int status, String retryAfter, byte[] body, WireFormatException bodyProblem, String date) {
    }

    /** Kore.ai's time as its {@code Date} headers tell it (README "How it reads Kore.ai"). */
    ServerClock serverClock() {
        return serverClock;
    }

    /** Reads a 2xx body (un-gzipped); a truncated one is fetched again like a dropped connection. */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(byte[] body) throws WireFormatException;
    }

    /**
     * POSTs {@code body} as JSON to {@code path} and returns the answer read by {@code reader}.
     *
     * @throws KoreApiException when the call fails for good; {@link KoreApiException.Interrupted} on interrupt
     */
    <T> T post(Endpoint endpoint, String path, Map<String, String> headers, Object body, BodyReader<T> reader) {
        byte[] payload = WireJson.write(body);
        int throttled = 0;
        int transientRetries = 0;
        int truncatedRetries = 0;
        while (true) {
            Response response;
            try {
                limiter.acquire();
            } catch (InterruptedException e) {
                throw interrupted(endpoint, e);
            }
            String token = jwt.token();
            Instant start = clock.instant();
            try {
                response = send(path, headers, payload, token);
            } catch (BoundedBody.TooLarge e) {
                // Asking again for the same page cannot help: the paging layer asks for a smaller one.
                listener.requestCompleted(endpoint, "error", Duration.between(start, clock.instant()));
                throw new KoreApiException.TooLarge(endpoint, maxResponseSize);
            } catch (RuntimeException e) {
                // Helidon reports timeouts, refused and reset connections as assorted unchecked exceptions.
                listener.requestCompleted(endpoint, "error", Duration.between(start, clock.instant()));
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted(endpoint, e);
                }
                Throwable certificate = certificateProblem(e);
                if (certificate != null) {
                    // Not transient: retrying an untrusted certificate only delays the clear error.
                    throw new KoreApiException(endpoint, 0, endpoint.label() + ": TLS certificate of " + URI.create(baseUrl).getHost()
                            + " not trusted (" + certificate.getMessage() + "); if Kore.ai is reached through a "
                            + "private CA, set kore.ca-bundle to its PEM certificate", null);
                }
                String what = "no response (" + e.getClass().getSimpleName() + ")";
                if (++transientRetries > policy.maxTransientRetries()) {
                    throw new KoreApiException(endpoint, 0, endpoint.label() + ": " + what + " after "
                            + transientRetries + " attempts", null);
                }
                backoff(endpoint, what, transientRetries, policy.maxTransientRetries());
                continue;
            }
            serverClock.observe(response.date(), clock.instant());
            int status = response.status();
            listener.requestCompleted(endpoint, Integer.toString(status), Duration.between(start, clock.instant()));
            if (status == 429) {
                listener.throttled(endpoint);
                if (++throttled >= policy.maxThrottled()) {
                    throw new KoreApiException(endpoint, 429, endpoint.label() + ": still throttled (HTTP 429) after "
                            + throttled + " attempts", null);
                }
                int retry = throttled;
                Duration wait = RetryAfter.parse(response.retryAfter(), clock.instant())
                        .map(d -> d.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : d)
                        .orElseGet(() -> policy.backoff(retry, jitter.getAsDouble()));
                sleep(endpoint, "HTTP 429", throttled, policy.maxThrottled() - 1, wait);
            } else if (status >= 500) {
                if (++transientRetries > policy.maxTransientRetries()) {
                    throw new KoreApiException(endpoint, status, endpoint.label() + ": HTTP " + status + " after "
                            + transientRetries + " attempts" + koreMessage(response, token, ": "), null);
                }
                backoff(endpoint, "HTTP " + status, transientRetries, policy.maxTransientRetries());
            } else if (status == 401) {
                throw new KoreApiException.Auth(endpoint, koreMessage(response, token, "").isEmpty()
                        ? "HTTP 401" : koreMessage(response, token, ""));
            } else if (status < 200 || status >= 300) {
                throw new KoreApiException(endpoint, status, endpoint.label() + ": HTTP " + status
                        + koreMessage(response, token, ": "), null);
            } else {
                try {
                    if (response.bodyProblem() != null) {
                        throw response.bodyProblem();
                    }
                    return reader.read(response.body());
                } catch (WireFormatException e) {
                    if (!e.truncated() || ++truncatedRetries > policy.maxTruncatedRetries()) {
                        throw new KoreApiException.BadResponse(endpoint, status, e.getMessage(), null);
                    }
                    backoff(endpoint, "truncated body", truncatedRetries, policy.maxTruncatedRetries());
                }
            }
        }
    }

    /**
     * Sends on a virtual thread and waits at most {@code deadline} for the whole answer, body included: the
     * socket's read timeout alone lets a server trickle a body forever. Interrupting a virtual thread blocked
     * on a socket closes that socket, so a request given up on does not linger.
     */
    private Response send(String path, Map<String, String> headers, byte[] payload, String token)
            throws BoundedBody.TooLarge {
        FutureTask<Response> task = new FutureTask<>(() -> exchange(path, headers, payload, token));
        Thread.ofVirtual().name("kore-request-" + bot).start(task);
        try {
            return task.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new IllegalStateException("whole request over kore.timeout (" + deadline.toMillis() + " ms)");
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case BoundedBody.TooLarge tooLarge -> throw tooLarge;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                case IOException io -> throw new UncheckedIOException(io);
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    private Response exchange(String path, Map<String, String> headers, byte[] payload, String token)
            throws IOException, BoundedBody.TooLarge {
        HttpClientRequest request = client.post()
                .uri(URI.create(baseUrl + path))
                .header(AUTH, token)
                .header(HeaderNames.ACCEPT_ENCODING, "gzip")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.ACCEPT, "application/json");
        headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
        try (HttpClientResponse response = request.submit(payload)) {
            int status = response.status().code();
            String encoding = response.headers().first(HeaderNames.CONTENT_ENCODING).orElse(null);
            long length = response.headers().contentLength().orElse(-1L);
            byte[] body;
            WireFormatException problem = null;
            if (status >= 200 && status < 300) {
                body = BoundedBody.read(response.inputStream(), length, maxResponseSize);
                try {
                    body = decode(encoding, body, maxResponseSize);
                } catch (WireFormatException e) {
                    problem = e;
                }
            } else {
                // Only Kore.ai's error message is wanted from an error body: a bounded prefix is enough.
                body = response.inputStream().readNBytes(ERROR_BODY_BYTES);
            }
            return new Response(status, response.headers().first(HeaderNames.RETRY_AFTER).orElse(null), body, problem,
                    response.headers().first(HeaderNames.DATE).orElse(null));
        }
    }

    /**
     * Un-gzips when Kore.ai says gzip and the bytes are gzip, at most {@code max} bytes. The magic-number check
     * keeps this right if a Helidon gzip decoder is ever on the class path and has already decoded the body.
     */
    static byte[] decode(String contentEncoding, byte[] body, long max) throws WireFormatException, BoundedBody.TooLarge {
        boolean gzip = contentEncoding != null && contentEncoding.toLowerCase().contains("gzip");
        if (!gzip || body.length < 2 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b) {
            return body;
        }
        return BoundedBody.gunzip(body, max);
    }

    /** Un-gzips without a practical bound (tests of the decoder itself). */
    static byte[] gunzip(byte[] body) throws WireFormatException {
        try {
            return BoundedBody.gunzip(body, Integer.MAX_VALUE - 16);
        } catch (BoundedBody.TooLarge e) {
            throw new WireFormatException("gzip body too large", false);
        }
    }

    /** Kore.ai's error {@code msg}, with the token cut out should Kore.ai ever echo it. */
    private static String koreMessage(Response response, String token, String prefix) {
        return WireJson.errorMessage(response.body())
                .map(msg -> prefix + msg.replace(token, "<token>"))
                .orElse("");
    }

    private void backoff(Endpoint endpoint, String what, int retry, int of) {
        sleep(endpoint, what, retry, of, policy.backoff(retry, jitter.getAsDouble()));
    }

    private void sleep(Endpoint endpoint, String what, int retry, int of, Duration wait) {
        LOG.log(Level.INFO, "bot {0} endpoint {1}: {2}, retry {3}/{4} in {5} ms",
                bot, endpoint.label(), what, retry, of, wait.toMillis());
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            throw interrupted(endpoint, e);
        }
    }

    /** The certificate failure behind a refused TLS handshake, or null for other failures. */
    private static Throwable certificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.security.cert.CertificateException) {
                return t;
            }
        }
        return null;
    }

    private static KoreApiException interrupted(Endpoint endpoint, Throwable cause) {
        Thread.currentThread().interrupt();
        return new KoreApiException.Interrupted(endpoint, cause);
    }
}
