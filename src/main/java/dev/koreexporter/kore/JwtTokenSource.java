package dev.koreexporter.kore;

import dev.koreexporter.config.Secret;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.jsonwebtoken.security.WeakKeyException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;

/**
 * Issues the HS256 JWT Kore.ai expects in the {@code auth} header (README "How it reads Kore.ai"): a fresh one for
 * every request, never sent before, with claims {@code appId} (client id), {@code sub}, a random {@code jti} of 128
 * bits, {@code iat} and {@code exp} five minutes later, signed with the app's client secret. Apps set to "Enforce
 * JTI" refuse a token without {@code jti} or one they have seen, so tokens are neither cached nor reused. After
 * Kore.ai refused one ({@link #refused}), a secret read from a file is read again before the next token, so a
 * rotated secret is picked up without a restart. Thread-safe.
 */
public final class JwtTokenSource {
    /** Kore.ai's JWT apps want a short life; five minutes also covers a request that waits for its answer. */
    static final Duration TTL = Duration.ofMinutes(5);
    static final String SUBJECT = "kore-exporter";
    /** 128 bits: a {@code jti} no two requests share (RFC 7519 asks for a negligible chance of a collision). */
    private static final int JTI_BYTES = 16;
    private static final String HS256_HEADER = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final String clientId;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private Secret secret;
    private boolean readAgain;

    public JwtTokenSource(String clientId, Secret secret, Clock clock) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.secret = Objects.requireNonNull(secret, "secret");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A token for one request, issued now (never handed out twice). */
    public synchronized String token() {
        if (readAgain) {
            readAgain = false;
            secret = secret.reread();
        }
        return issue(clock.instant());
    }

    /**
     * Kore.ai refused a token (401): a secret read from a file is read again before the next token. Returns whether
     * it will be (a secret written in the config cannot change without a restart).
     */
    public synchronized boolean refused() {
        readAgain = secret.fromFile();
        return readAgain;
    }

    private String issue(Instant now) {
        byte[] key = secret.reveal().getBytes(StandardCharsets.UTF_8);
        byte[] jti = new byte[JTI_BYTES];
        random.nextBytes(jti);
        var builder = Jwts.builder()
                .claim("appId", clientId)
                .subject(SUBJECT)
                .id(Base64.getUrlEncoder().withoutPadding().encodeToString(jti))
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
