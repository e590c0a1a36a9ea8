package dev.koreexporter.kore;

import dev.koreexporter.config.Secret;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.jsonwebtoken.security.WeakKeyException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;

/**
 * Issues the HS256 JWT Kore.ai expects in the {@code auth} header: claims {@code appId} (client id),
 * {@code sub}, {@code iat}, {@code exp}, signed with the app's client secret. Tokens are short-lived,
 * cached, and re-issued a minute before they expire.
 */
public final class JwtTokenSource {
    static final Duration TTL = Duration.ofMinutes(10);
    static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(1);
    static final String SUBJECT = "kore-exporter";
    private static final String HS256_HEADER = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final String clientId;
    private final Secret secret;
    private final Clock clock;
    private String token;
    private Instant renewAt = Instant.MIN;
    private Instant issuedAt = Instant.MIN;

    public JwtTokenSource(String clientId, Secret secret, Clock clock) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.secret = Objects.requireNonNull(secret, "secret");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A valid token, issued anew when the cached one is about to expire. */
    public synchronized String token() {
        Instant now = clock.instant();
        // Also when the clock stepped back past the token's issue time: its iat would be in the future.
        if (token == null || !now.isBefore(renewAt) || now.isBefore(issuedAt)) {
            token = issue(now);
            issuedAt = now;
            renewAt = now.plus(TTL).minus(RENEW_BEFORE_EXPIRY);
        }
        return token;
    }

    private String issue(Instant now) {
        byte[] key = secret.reveal().getBytes(StandardCharsets.UTF_8);
        var builder = Jwts.builder()
                .claim("appId", clientId)
                .subject(SUBJECT)
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(TTL)));
        try {
            return builder.signWith(Keys.hmacShaKeyFor(key), Jwts.SIG.HS256).compact();
        } catch (WeakKeyException e) {
            // jjwt refuses HMAC keys under 256 bits (RFC 7518), but Kore.ai issues the secret and accepts
            // whatever it issued: sign jjwt's claims ourselves. The exception text is dropped unread.
            return signWithMac(unsignedPayload(builder.compact()), key);
        }
    }

    /** The claims segment of an unsecured JWT ({@code header.payload.}) built by jjwt. */
    private static String unsignedPayload(String unsecuredJwt) {
        return unsecuredJwt.split("\\.", -1)[1];
    }

    private static String signWithMac(String payload, byte[] key) {
        String signingInput = HS256_HEADER + "." + payload;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is mandatory in every JDK; an empty key is the only realistic cause.
            throw new IllegalStateException("cannot sign the Kore.ai token with HmacSHA256 (bad client secret?)");
        }
    }

    @Override
    public String toString() {
        return "JwtTokenSource[clientId=" + clientId + "]";
    }
}
