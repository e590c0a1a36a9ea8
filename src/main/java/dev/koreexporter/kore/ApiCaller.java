package dev.koreexporter.kore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.kore.dto.WireFormatException;
import dev.koreexporter.kore.dto.WireJson;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.zip.GZIPInputStream;

/**
 * Sends one Kore.ai call for one bot: waits for the rate limiter before every attempt, signs it, retries
 * what is worth retrying, reports every attempt to the listener and returns the parsed body.
 */
final class ApiCaller {
    private static final System.Logger LOG = System.getLogger(ApiCaller.class.getName());
    private static final HeaderName AUTH = HeaderNames.create("auth");

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

    ApiCaller(WebClient client, URI baseUrl, String bot, JwtTokenSource jwt, RateLimiter limiter,
              ApiRequestListener listener, Clock clock, Sleeper sleeper, DoubleSupplier jitter, RetryPolicy policy) {
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
    }

    /** An answer that arrived, body read in full and un-gzipped. */
    private record Response(int status, String retryAfter, String contentEncoding, byte[] body) {
    }

    /**
     * POSTs {@code body} as JSON to {@code path} (with its query) and returns the parsed JSON object.
     *
     * @throws KoreApiException when the call fails for good; {@link KoreApiException.Interrupted} on interrupt
     */
    JsonNode post(Endpoint endpoint, String path, Map<String, String> headers, Object body) {
        return post(endpoint, path, headers, body, WireJson::parse);
    }

    /** Reads a 2xx body (un-gzipped); a truncated one is fetched again like a dropped connection. */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(byte[] body) throws WireFormatException;
    }

    /** As {@link #post(Endpoint, String, Map, Object)}, with the body read by {@code reader} instead of into a tree. */
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
                    return reader.read(decode(response));
                } catch (WireFormatException e) {
                    if (!e.truncated() || ++truncatedRetries > policy.maxTruncatedRetries()) {
                        throw new KoreApiException.BadResponse(endpoint, status, e.getMessage(), null);
                    }
                    backoff(endpoint, "truncated body", truncatedRetries, policy.maxTruncatedRetries());
                }
            }
        }
    }

    private Response send(String path, Map<String, String> headers, byte[] payload, String token) {
        HttpClientRequest request = client.post()
                .uri(URI.create(baseUrl + path))
                .header(AUTH, token)
                .header(HeaderNames.ACCEPT_ENCODING, "gzip")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.ACCEPT, "application/json");
        headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
        try (HttpClientResponse response = request.submit(payload)) {
            byte[] body = response.inputStream().readAllBytes();
            return new Response(response.status().code(),
                    response.headers().first(HeaderNames.RETRY_AFTER).orElse(null),
                    response.headers().first(HeaderNames.CONTENT_ENCODING).orElse(null),
                    body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Un-gzips when Kore.ai says gzip and the bytes are gzip. The magic-number check keeps this right if a
     * Helidon gzip decoder is ever on the class path and has already decoded the body.
     */
    static byte[] decode(Response response) throws WireFormatException {
        byte[] body = response.body();
        boolean gzip = response.contentEncoding() != null && response.contentEncoding().toLowerCase().contains("gzip");
        if (!gzip || body.length < 2 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b) {
            return body;
        }
        return gunzip(body);
    }

    static byte[] gunzip(byte[] body) throws WireFormatException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(body), 64 * 1024)) {
            // A 10,000-message page un-gzips to ~9 MB: read it into an array of the size the gzip trailer
            // announces, instead of growing buffers and copying them (that doubled the heap a page needs).
            byte[] out = new byte[announcedSize(body)];
            int n = in.readNBytes(out, 0, out.length);
            byte[] rest = in.readAllBytes();
            if (rest.length == 0) {
                return n == out.length ? out : java.util.Arrays.copyOf(out, n);
            }
            byte[] all = java.util.Arrays.copyOf(out, n + rest.length);
            System.arraycopy(rest, 0, all, n, rest.length);
            return all;
        } catch (EOFException e) {
            throw new WireFormatException("gzip body ends early", true);
        } catch (IOException e) {
            throw new WireFormatException("gzip body is corrupt", false);
        }
    }

    /** The gzip trailer's size of the uncompressed data (modulo 2^32), bounded: a corrupt one costs little. */
    private static int announcedSize(byte[] gzip) {
        int n = gzip.length;
        if (n < 18) {
            return 0;
        }
        long size = (gzip[n - 4] & 0xffL) | (gzip[n - 3] & 0xffL) << 8 | (gzip[n - 2] & 0xffL) << 16
                | (gzip[n - 1] & 0xffL) << 24;
        // A body cut short or followed by other bytes has a meaningless trailer: never ask for more than
        // JSON plausibly un-gzips to (readAllBytes takes whatever lies beyond).
        return (int) Math.min(size, Math.min(16L << 20, 16L * n));
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
