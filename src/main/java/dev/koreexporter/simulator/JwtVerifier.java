package dev.koreexporter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.ExpiredJwtException;
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
import java.util.Optional;

/**
 * Checks the {@code auth} header the way Kore.ai does: an HS256 JWT signed with the client secret of the
 * app named by its {@code appId} claim, and that app must belong to the bot; an app that enforces JTI also
 * wants a {@code jti} claim never used before within the token's lifetime. Error texts never contain the token
 * or the secret.
 */
final class JwtVerifier {
    private static final int JJWT_MIN_KEY_BYTES = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InstantSource clock;
    private final JtiLedger jtis;

    JwtVerifier(InstantSource clock) {
        this.clock = clock;
        this.jtis = new JtiLedger(clock);
    }

    /** Admits a request to {@code bot}: the token check, then, for an app that enforces JTI, its {@code jti}. */
    Optional<AuthFailure> admit(String token, SimBot bot) {
        Optional<AuthFailure> failure = check(token, bot);
        if (failure.isPresent() || !bot.enforceJti()) {
            return failure;
        }
        JsonNode claims = claims(token.trim().split("\\.", -1)[1]);
        JsonNode jti = claims.path("jti");
        if (!jti.isTextual() || jti.asText().isBlank()) {
            return Optional.of(AuthFailure.JTI_MISSING);
        }
        JsonNode exp = claims.path("exp");
        return jtis.firstUse(bot.botId(), jti.asText(), exp.isNumber() ? exp.asLong() * 1000 : null)
                ? Optional.empty() : Optional.of(AuthFailure.JTI_REUSED);
    }

    /** Whether the token is good for {@code bot}, without using up its {@code jti}. */
    Optional<AuthFailure> check(String token, SimBot bot) {
        if (token == null || token.isBlank()) {
            return Optional.of(AuthFailure.MISSING);
        }
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            return Optional.of(AuthFailure.MALFORMED);
        }
        JsonNode header;
        JsonNode claims;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = claims(parts[1]);
        } catch (Exception e) {
            return Optional.of(AuthFailure.MALFORMED);
        }
        if (claims == null || !claims.path("appId").isTextual()) {
            return Optional.of(AuthFailure.NO_APP_ID);
        }
        if (!claims.path("appId").asText().equals(bot.clientId())) {
            return Optional.of(AuthFailure.WRONG_APP);
        }
        byte[] secret = bot.clientSecret().getBytes(StandardCharsets.UTF_8);
        // jjwt refuses HMAC keys under 256 bits; real apps may have shorter secrets, so verify those by hand.
        return Optional.ofNullable(secret.length >= JJWT_MIN_KEY_BYTES ? checkWithJjwt(token.trim(), secret)
                : checkByHand(parts, header, claims, secret));
    }

    private static JsonNode claims(String part) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(part));
        } catch (Exception e) {
            throw new IllegalArgumentException("claims not JSON", e);
        }
    }

    private AuthFailure checkWithJjwt(String token, byte[] secret) {
        try {
            Jwts.parser()
                    .verifyWith(new SecretKeySpec(secret, "HmacSHA256"))
                    .clock(() -> Date.from(clock.instant()))
                    .build()
                    .parseSignedClaims(token);
            return null;
        } catch (ExpiredJwtException e) {
            return AuthFailure.EXPIRED;
        } catch (JwtException | IllegalArgumentException e) {
            return AuthFailure.BAD_SIGNATURE;
        }
    }

    private AuthFailure checkByHand(String[] parts, JsonNode header, JsonNode claims, byte[] secret) {
        if (!"HS256".equals(header.path("alg").asText())) {
            return AuthFailure.UNSUPPORTED_ALGORITHM;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))) {
                return AuthFailure.BAD_SIGNATURE;
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return AuthFailure.BAD_SIGNATURE;
        }
        JsonNode exp = claims.path("exp");
        if (exp.isNumber() && clock.instant().getEpochSecond() >= exp.asLong()) {
            return AuthFailure.EXPIRED;
        }
        return null;
    }
}
