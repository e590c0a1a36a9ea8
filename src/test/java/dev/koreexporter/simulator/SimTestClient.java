package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.koreexporter.simulator.lab.LabSimulator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A deliberately plain Kore.ai client for the simulator's tests: java.net.http + Jackson, written from the docs. */
final class SimTestClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    final HttpClient http = HttpClient.newHttpClient();
    final URI baseUrl;
    /** How long a request may take before the client gives up (null: no limit). */
    final Duration timeout;

    SimTestClient(LabSimulator sim) {
        this(sim.baseUrl());
    }

    SimTestClient(URI baseUrl) {
        this(baseUrl, null);
    }

    SimTestClient(URI baseUrl, Duration timeout) {
        this.baseUrl = baseUrl;
        this.timeout = timeout;
    }

    /** The same client, giving up on a request after {@code timeout} (an {@link UncheckedIOException} then). */
    SimTestClient withTimeout(Duration timeout) {
        return new SimTestClient(baseUrl, timeout);
    }

    record Response(int status, JsonNode json, HttpHeaders headers, byte[] raw) {
        String errorMsg() {
            return json.path("errors").path(0).path("msg").asText();
        }
    }

    static String jwt(String appId, String secret) {
        return jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"appId\":\"" + appId + "\",\"sub\":\"test\"}", secret);
    }

    static String jwt(String header, String claims, String secret) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String path(SimBot bot, String endpoint) {
        return endpoint.equals("aaconversation")
                ? "/agentassist/api/v1/public/" + bot.botId() + "/aaconversation"
                : "/api/public/bot/" + bot.botId() + "/" + endpoint;
    }

    /**
     * Sends as the bot's own app. getMessagesV2 bodies get {@code includeSecureForm: false} unless they say
     * otherwise, as the docs require it (tests of the strict rule use {@link #raw}).
     */
    Response post(SimBot bot, String endpoint, Object body) {
        if (endpoint.equals("getMessagesV2") && body instanceof ObjectNode n && !n.has("includeSecureForm")) {
            body = n.deepCopy().put("includeSecureForm", false);
        }
        Map<String, String> headers = new HashMap<>(Map.of("auth", jwt(bot.clientId(), bot.clientSecret())));
        if (bot.accountId() != null) {
            headers.put("accountId", bot.accountId());
        }
        return raw("POST", path(bot, endpoint), headers, body);
    }

    Response raw(String method, String path, Map<String, String> headers, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body instanceof byte[] bytes ? bytes : JSON.writeValueAsBytes(body)));
            headers.forEach(b::header);
            if (timeout != null) {
                b.timeout(timeout);
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json;
            try {
                json = r.body().length == 0 || r.headers().firstValue("Content-Encoding").isPresent()
                        ? JSON.nullNode() : JSON.readTree(r.body());
            } catch (IOException e) {
                json = JSON.nullNode();
            }
            return new Response(r.statusCode(), json, r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode body(Object... kv) {
        ObjectNode n = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            n.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        return n;
    }

    /** Reads every page the documented way: advance skip by what was received, stop on moreAvailable false. */
    List<JsonNode> all(SimBot bot, String endpoint, ObjectNode body, String field, int[] pagesOut) {
        List<JsonNode> out = new ArrayList<>();
        int skip = 0;
        int pages = 0;
        while (true) {
            Response r = post(bot, endpoint, body.deepCopy().put("skip", skip));
            if (r.status() != 200) {
                throw new AssertionError(endpoint + " answered " + r.status() + " " + r.errorMsg());
            }
            pages++;
            r.json().path(field).forEach(out::add);
            skip += r.json().path(field).size();
            if (!r.json().path("moreAvailable").asBoolean() || pages > 10_000) {
                break;
            }
        }
        if (pagesOut != null) {
            pagesOut[0] = pages;
        }
        return out;
    }

    /** Agent AI pages by page number until hasMore is false. */
    List<JsonNode> allConversations(SimBot bot, ObjectNode body, int[] pagesOut) {
        List<JsonNode> out = new ArrayList<>();
        for (int page = 1; ; page++) {
            Response r = post(bot, "aaconversation", body.deepCopy().put("page", page));
            if (r.status() != 200) {
                throw new AssertionError("aaconversation answered " + r.status() + " " + r.errorMsg());
            }
            r.json().path("results").forEach(out::add);
            if (!r.json().path("hasMore").asBoolean()) {
                if (pagesOut != null) {
                    pagesOut[0] = page;
                }
                return out;
            }
        }
    }
}
