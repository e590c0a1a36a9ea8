package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Date;

/**
 * Checks the {@code auth} header the way Kore.ai does: an HS256 JWT signed with the client secret of the
 * app named by its {@code appId} claim, and that app must belong to the bot. Error texts never contain the
 * token or the secret.
 */
final class JwtVerifier {
    private static final int JJWT_MIN_KEY_BYTES = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InstantSource clock;

    JwtVerifier(InstantSource clock) {
        this.clock = clock;
    }

    /** @return null when the token is good for {@code bot}, else why not */
    String check(String token, SimBot bot) {
        if (token == null || token.isBlank()) {
            return "auth header missing";
        }
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            return "auth token malformed";
        }
        JsonNode header;
        JsonNode claims;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (Exception e) {
            return "auth token malformed";
        }
        if (claims == null || !claims.path("appId").isTextual()) {
            return "auth token has no appId";
        }
        if (!claims.path("appId").asText().equals(bot.clientId())) {
            return "app is not authorized for this bot";
        }
        byte[] secret = bot.clientSecret().getBytes(StandardCharsets.UTF_8);
        // jjwt refuses HMAC keys under 256 bits; real apps may have shorter secrets, so verify those by hand.
        return secret.length >= JJWT_MIN_KEY_BYTES ? checkWithJjwt(token.trim(), secret)
                : checkByHand(parts, header, claims, secret);
    }

    private String checkWithJjwt(String token, byte[] secret) {
        try {
            Jwts.parser()
                    .verifyWith(new SecretKeySpec(secret, "HmacSHA256"))
                    .clock(() -> Date.from(clock.instant()))
                    .build()
                    .parseSignedClaims(token);
            return null;
        } catch (io.jsonwebtoken.ExpiredJwtException e) {
            return "auth token expired";
        } catch (JwtException | IllegalArgumentException e) {
            return "auth token signature invalid";
        }
    }

    private String checkByHand(String[] parts, JsonNode header, JsonNode claims, byte[] secret) {
        if (!"HS256".equals(header.path("alg").asText())) {
            return "auth token algorithm not supported";
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))) {
                return "auth token signature invalid";
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "auth token signature invalid";
        }
        JsonNode exp = claims.path("exp");
        if (exp.isNumber() && clock.instant().getEpochSecond() >= exp.asLong()) {
            return "auth token expired";
        }
        return null;
    }
}
