package dev.koreexporter.kore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.dto.WireFormatException;
import dev.koreexporter.kore.dto.WireJson;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Single Kore.ai calls for one bot, answered as they came: status, {@code Date} header and parsed body, no
 * retries. For {@code doctor}, which must see what a tenant really answers (a 404, a 400, a page size) and
 * stay within a fixed number of requests. Every call waits for the bot's {@link RateLimiter} first. Nothing
 * it returns holds the token or the secret.
 */
public final class KoreProbe implements AutoCloseable {
    private static final HeaderName AUTH = HeaderNames.create("auth");

    private final WebClient client;
    private final String baseUrl;
    private final String botId;
    private final JwtTokenSource jwt;
    private final RateLimiter limiter;
    private final Clock clock;
    private int requests;

    /**
     * One answer. {@code json} is null unless the body was JSON; {@code problem} is null for a 2xx with a
     * JSON body, else one line saying what went wrong (Kore.ai's error message when it sent one).
     * {@code status} is 0 when no answer arrived; {@code date} null without a readable {@code Date} header.
     */
    public record Answer(int status, JsonNode json, String problem, Instant date, Instant sent, Instant received) {
        public boolean ok() {
            return problem == null;
        }
    }

    public KoreProbe(ExporterConfig.Kore kore, ExporterConfig.Bot bot, Clock clock, Sleeper sleeper) {
        this.client = KoreClient.webClient(kore);
        this.baseUrl = kore.baseUrl().toString().replaceAll("/+$", "");
        this.botId = bot.id();
        this.jwt = new JwtTokenSource(bot.clientId(), bot.clientSecret(), clock);
        this.limiter = new RateLimiter(kore.rateLimit(), clock, sleeper);
        this.clock = clock;
    }

    /** Requests sent so far. */
    public int requests() {
        return requests;
    }

    /** POSTs to {@code /api/public/bot/{botId}/<endpoint>} ({@code query} may be empty). */
    public Answer bot(Endpoint endpoint, String query, Object body) throws InterruptedException {
        return post("/api/public/bot/" + botId + "/" + endpoint.label() + query, Map.of(), body);
    }

    /** POSTs to the Agent AI conversations API with the account id header. */
    public Answer agentAi(String accountId, Object body) throws InterruptedException {
        return post("/agentassist/api/v1/public/" + botId + "/aaconversation", Map.of("accountId", accountId), body);
    }

    private Answer post(String path, Map<String, String> headers, Object body) throws InterruptedException {
        limiter.acquire();
        requests++;
        String token = jwt.token();
        Instant sent = clock.instant();
        HttpClientRequest request = client.post().uri(URI.create(baseUrl + path))
                .header(AUTH, token)
                .header(HeaderNames.ACCEPT_ENCODING, "gzip")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.ACCEPT, "application/json");
        headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
        try (HttpClientResponse response = request.submit(WireJson.write(body))) {
            byte[] raw = response.inputStream().readAllBytes();
            Instant received = clock.instant();
            int status = response.status().code();
            Instant date = response.headers().first(HeaderNames.DATE).map(KoreProbe::httpDate).orElse(null);
            boolean gzip = response.headers().first(HeaderNames.CONTENT_ENCODING)
                    .map(v -> v.toLowerCase().contains("gzip")).orElse(false);
            byte[] bytes = gzip && raw.length > 1 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b
                    ? ApiCaller.gunzip(raw) : raw;
            JsonNode json = parse(bytes);
            String problem = null;
            if (status < 200 || status >= 300) {
                problem = "HTTP " + status + WireJson.errorMessage(bytes)
                        .map(m -> ": " + m.replace(token, "<token>")).orElse("");
            } else if (json == null) {
                problem = "HTTP " + status + " but the body is not JSON";
            }
            return new Answer(status, json, problem, date, sent, received);
        } catch (WireFormatException e) {
            return new Answer(0, null, "unreadable body (" + e.getMessage() + ")", null, sent, clock.instant());
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted");
            }
            // The exception's message may quote the URL, never the token; its class says enough.
            return new Answer(0, null, "no response from " + URI.create(baseUrl).getHost() + " ("
                    + e.getClass().getSimpleName() + ")", null, sent, clock.instant());
        }
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = WireJson.parse(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (WireFormatException e) {
            return null;
        }
    }

    private static Instant httpDate(String value) {
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public void close() {
        client.closeResource();
    }

    @Override
    public String toString() {
        return "KoreProbe[botId=" + botId + "]";
    }
}
