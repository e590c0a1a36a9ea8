package dev.koreexporter.kore;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.dto.WireFormatException;
import dev.koreexporter.kore.dto.WireJson;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.api.WebClientConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Builds and sends one request to Kore.ai for one bot, the way every request is sent: after the bot's rate
 * limiter, to {@code kore.base-url} or, for Agent AI, {@code kore.agent-ai-base-url}, signed with a JWT of its own
 * ({@code auth} header), gzip accepted, bounded as a whole by {@code kore.timeout} and in size by
 * {@code kore.max-response-size} (README "Configuration"). Every request is reported to the listener and every
 * {@code Date} header to the {@link ServerClock}; a 401 has the token source read a secret file again. It never
 * retries: {@link ApiCaller} does, {@code doctor} does not.
 */
final class Transport implements AutoCloseable {
    private static final HeaderName AUTH = HeaderNames.create("auth");
    private static final int ERROR_BODY_BYTES = 64 * 1024;
    private static final Logger LOG = Logger.getLogger(Transport.class.getName());
    /**
     * The socket's own read timeout is later than the whole request's deadline, so that a page that hangs always ends
     * as {@link KoreApiException.TimedOut}, never as a dropped connection that would be retried as it stands.
     */
    private static final Duration SOCKET_GRACE = Duration.ofSeconds(1);

    private final WebClient client;
    private final String baseUrl;
    private final String agentAiBaseUrl;
    private final String bot;
    private final JwtTokenSource jwt;
    private final RateLimiter limiter;
    private final ApiRequestListener listener;
    private final Clock clock;
    private final Duration deadline;
    private final long maxResponseSize;
    private final ServerClock serverClock = new ServerClock();
    private final AtomicLong answered = new AtomicLong();

    Transport(ExporterConfig.Kore kore, ExporterConfig.Bot bot, Clock clock, Sleeper sleeper,
              ApiRequestListener listener, RequestLog requestLog) {
        this.client = webClient(kore);
        this.baseUrl = kore.baseUrl().toString().replaceAll("/+$", "");
        this.agentAiBaseUrl = kore.agentAiBaseUrl().toString().replaceAll("/+$", "");
        this.bot = bot.name();
        // Tokens are dated by Kore.ai's clock when the local one is behind it: else they would be expired.
        this.jwt = new JwtTokenSource(bot.clientId(), bot.clientSecret(), serverClock.notBehind(clock));
        this.limiter = new RateLimiter(kore.rateLimit(), clock, Ticker.of(clock), sleeper, requestLog);
        this.listener = listener;
        this.clock = clock;
        this.deadline = kore.timeout();
        this.maxResponseSize = kore.maxResponseSize();
    }

    /**
     * An answer that arrived: a 2xx body read in full (at most {@code kore.max-response-size}) and un-gzipped, or
     * the reason it could not be un-gzipped; of other bodies only a prefix. {@code date} is null without a readable
     * {@code Date} header.
     */
    record Response(int status, String retryAfter, byte[] body, WireFormatException bodyProblem, Instant date,
                    Instant sent, Instant received, String token, String location) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /**
         * For a redirect: why it is refused, naming only the {@code Location}'s host (its path and query could carry
         * anything); null for other answers. Redirects are never followed (README "Reliability and security").
         */
        String redirectRefused() {
            if (status < 300 || status >= 400) {
                return null;
            }
            String host;
            try {
                host = location == null ? null : URI.create(location.trim()).getHost();
            } catch (IllegalArgumentException e) {
                host = null;
            }
            return "HTTP " + status + " redirect to " + (host == null ? "an unreadable location" : "host " + host)
                    + " refused: the exporter never follows redirects (its token would go where kore.base-url does not"
                    + " say); set kore.base-url to the host Kore.ai serves from";
        }

        /** A 2xx body as {@code reader} reads it. */
        <T> T read(ApiCaller.BodyReader<T> reader) throws WireFormatException {
            if (bodyProblem != null) {
                throw bodyProblem;
            }
            return reader.read(body);
        }

        /** Kore.ai's error {@code msg} after {@code prefix}, with the token cut out should Kore.ai ever echo it. */
        String koreMessage(String prefix) {
            return WireJson.errorMessage(body).map(msg -> prefix + msg.replace(token, "<token>")).orElse("");
        }
    }

    /**
     * POSTs {@code payload} (JSON) to {@code path} once.
     *
     * @throws KoreApiException.NoResponse  when no answer arrived (worth another attempt)
     * @throws KoreApiException.TimedOut    when no whole answer arrived within {@code kore.timeout}
     * @throws KoreApiException.TooLarge    for a body over {@code kore.max-response-size}
     * @throws KoreApiException.Interrupted when the thread was interrupted
     * @throws KoreApiException             for a TLS certificate that is not trusted (not worth another attempt)
     */
    Response send(Endpoint endpoint, String path, Map<String, String> headers, byte[] payload) {
        try {
            limiter.acquire();
        } catch (InterruptedException e) {
            throw interrupted(endpoint, e);
        }
        String token = jwt.token();
        Instant sent = clock.instant();
        String url = (endpoint.agentAi() ? agentAiBaseUrl : baseUrl) + path;
        Response response;
        try {
            response = exchangeWithin(url, headers, payload, token, sent);
        } catch (BoundedBody.TooLarge e) {
            listener.requestCompleted(endpoint, "error", Duration.between(sent, clock.instant()));
            throw new KoreApiException.TooLarge(endpoint, maxResponseSize);
        } catch (OverDeadline e) {
            listener.requestCompleted(endpoint, "error", Duration.between(sent, clock.instant()));
            throw new KoreApiException.TimedOut(endpoint, deadline);
        } catch (RuntimeException e) {
            // Helidon reports timeouts, refused and reset connections as assorted unchecked exceptions.
            listener.requestCompleted(endpoint, "error", Duration.between(sent, clock.instant()));
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(endpoint, e);
            }
            Throwable certificate = certificateProblem(e);
            if (certificate != null) {
                throw new KoreApiException(endpoint, 0, "TLS certificate of " + URI.create(url).getHost()
                        + " not trusted (" + certificate.getMessage() + "); if Kore.ai is reached through a "
                        + "private CA, set kore.ca-bundle to its PEM certificate", null);
            }
            throw new KoreApiException.NoResponse(endpoint, e);
        }
        answered.incrementAndGet();
        serverClock.observe(response.date(), response.received());
        listener.requestCompleted(endpoint, Integer.toString(response.status()),
                Duration.between(sent, response.received()));
        if (response.status() == 429) {
            listener.throttled(endpoint);
        }
        if (response.status() == 401 && jwt.refused()) {
            LOG.info(() -> "bot " + bot + " endpoint " + endpoint.label() + ": HTTP 401, reading client-secret-file"
                    + " again before the next request (a rotated secret is picked up without a restart)");
        }
        return response;
    }

    /** Kore.ai's time as its {@code Date} headers tell it (README "How it reads Kore.ai"). */
    ServerClock serverClock() {
        return serverClock;
    }

    /** Answers received so far, whatever their status. */
    long answered() {
        return answered.get();
    }

    RateLimiter limiter() {
        return limiter;
    }

    String bot() {
        return bot;
    }

    /** The host an endpoint's requests go to. */
    String host(Endpoint endpoint) {
        return URI.create(endpoint.agentAi() ? agentAiBaseUrl : baseUrl).getHost();
    }

    /**
     * Sends on a virtual thread and waits at most {@code deadline} for the whole answer, body included: the
     * socket's read timeout alone lets a server trickle a body forever. Interrupting a virtual thread blocked
     * on a socket closes that socket, so a request given up on does not linger.
     */
    private Response exchangeWithin(String url, Map<String, String> headers, byte[] payload, String token,
                                    Instant sent) throws BoundedBody.TooLarge, OverDeadline {
        FutureTask<Response> task = new FutureTask<>(() -> exchange(url, headers, payload, token, sent));
        Thread.ofVirtual().name("kore-request-" + bot).start(task);
        try {
            return task.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new OverDeadline();
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

    private Response exchange(String url, Map<String, String> headers, byte[] payload, String token, Instant sent)
            throws IOException, BoundedBody.TooLarge {
        HttpClientRequest request = client.post()
                .uri(URI.create(url))
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
                body = errorMessageBody(encoding, response.inputStream().readNBytes(ERROR_BODY_BYTES));
            }
            Instant date = response.headers().first(HeaderNames.DATE).map(ServerClock::parse).orElse(null);
            return new Response(status, response.headers().first(HeaderNames.RETRY_AFTER).orElse(null), body,
                    problem, date, sent, clock.instant(), token,
                    response.headers().first(HeaderNames.LOCATION).orElse(null));
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

    /** An error body's prefix, un-gzipped when it can be (a cut-off or huge one stays as it came). */
    private static byte[] errorMessageBody(String contentEncoding, byte[] prefix) {
        try {
            return decode(contentEncoding, prefix, ERROR_BODY_BYTES);
        } catch (WireFormatException | BoundedBody.TooLarge e) {
            return prefix;
        }
    }

    /** The certificate failure behind a refused TLS handshake, or null for other failures. */
    private static Throwable certificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertificateException) {
                return t;
            }
        }
        return null;
    }

    /** The whole request ran past {@code kore.timeout}. */
    private static final class OverDeadline extends Exception {
        OverDeadline() {
            super(null, null, false, false);
        }
    }

    static KoreApiException interrupted(Endpoint endpoint, Throwable cause) {
        Thread.currentThread().interrupt();
        return new KoreApiException.Interrupted(endpoint, cause);
    }

    /** The WebClient for Kore.ai: no redirects, timeouts, no discovered decoders, the CA bundle. */
    private static WebClient webClient(ExporterConfig.Kore kore) {
        WebClientConfig.Builder builder = WebClient.builder()
                // A redirect is an error: Helidon would follow it without the auth header (README "Reliability and
                // security"), and following it with the header would send the token to another host.
                .followRedirects(false)
                .connectTimeout(kore.timeout())
                .readTimeout(kore.timeout().plus(SOCKET_GRACE))
                // No discovered decoders: Helidon would refuse "Content-Encoding: gzip" without its gzip
                // module (not on our class path), so the body is un-gzipped here instead.
                .contentEncoding(ContentEncodingContext.create(c -> c.contentEncodingsDiscoverServices(false)));
        if (kore.caBundle() != null) {
            builder.tls(Tls.builder().trust(certificates(kore.caBundle())).build());
        }
        return builder.build();
    }

    private static List<X509Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("kore.ca-bundle: no certificate in " + pem);
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("kore.ca-bundle: cannot read PEM certificates from " + pem
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public void close() {
        client.closeResource();
    }
}
