package dev.koreexporter.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP basic auth for everything but {@code /health/*} (orchestrators probe without credentials), checked
 * against bcrypt hashes as Prometheus' exporter-toolkit does. bcrypt is slow on purpose, and Prometheus
 * scrapes every few seconds, so a successful check is remembered for {@link #CACHE_TTL} as a salted
 * SHA-256 of user and password: never the password itself.
 */
public final class BasicAuthFilter implements Filter {
    public static final String REALM = "kore-exporter";
    static final Duration CACHE_TTL = Duration.ofMinutes(1);
    private static final String CHALLENGE = "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";
    /** Checked for unknown users so that they take as long as known ones (no user enumeration by timing). */
    private static final String DUMMY_HASH = "$2y$10$lT8Fm1uxt7yOquiIOaAgI.enDb.JkSd4y8433c76zLXP35jl2efLa";

    /** Verifies a password against a bcrypt hash; swappable so tests can count the slow calls. */
    @FunctionalInterface
    public interface PasswordCheck {
        boolean matches(byte[] password, String bcryptHash);

        /**
         * at.favre bcrypt, constant-time comparison. Passwords past bcrypt's 72 bytes are truncated as
         * htpasswd and OpenBSD do, so a hash made by those tools verifies the same password here.
         */
        PasswordCheck BCRYPT = (password, hash) -> {
            try {
                return BCrypt.verifyer(BCrypt.Version.VERSION_2A, LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A))
                        .verify(password, hash.getBytes(StandardCharsets.UTF_8)).verified;
            } catch (IllegalArgumentException e) {
                return false;
            }
        };
    }

    /** A bcrypt result for one digest of user, hash and candidate password. */
    private record Verified(boolean ok, Instant until) {
    }

    /** Name under which {@link #failures()} is exported (README "Metrics"; {@code ExporterRoutes} has {@code KoreMetrics} export it). */
    public static final String FAILURES_METRIC = "kore_exporter_http_auth_failures_total";
    /** Remembered results, at most: a flood of distinct wrong passwords cannot grow the cache without bound. */
    static final int MAX_CACHED = 1024;

    private final Map<String, String> hashes;
    private final Clock clock;
    private final PasswordCheck check;
    private final byte[] salt = new byte[16];
    private final Map<String, Verified> cache = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    /** One bcrypt at a time: a burst of logins costs one core, not all of them. */
    private final Object bcryptLock = new Object();

    /** @param hashes bcrypt hash by user name ({@code server.basic-auth.users}) */
    public BasicAuthFilter(Map<String, String> hashes, Clock clock, PasswordCheck check) {
        if (hashes.isEmpty()) {
            throw new IllegalArgumentException("basic auth needs at least one user");
        }
        this.hashes = Map.copyOf(hashes);
        this.clock = clock;
        this.check = check;
        new SecureRandom().nextBytes(salt);
    }

    public BasicAuthFilter(Map<String, String> hashes, Clock clock) {
        this(hashes, clock, PasswordCheck.BCRYPT);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.equals("/health") || path.startsWith("/health/")
                || authorized(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
            chain.proceed();
            return;
        }
        res.status(Status.UNAUTHORIZED_401);
        res.header(HeaderNames.WWW_AUTHENTICATE, CHALLENGE);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send("Unauthorized\n");
    }

    /** @param authorization the {@code Authorization} header, or null */
    public boolean authorized(String authorization) {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        String credentials = new String(decoded, StandardCharsets.UTF_8);
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String user = credentials.substring(0, colon);
        byte[] password = credentials.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        String hash = hashes.get(user);
        String key = Base64.getEncoder().encodeToString(digest(user, hash == null ? DUMMY_HASH : hash, password));
        boolean ok;
        Instant now = clock.instant();
        Verified known = cache.get(key);
        if (known != null && now.isBefore(known.until())) {
            ok = known.ok();
        } else {
            synchronized (bcryptLock) {
                ok = check.matches(password, hash == null ? DUMMY_HASH : hash) && hash != null;
            }
            if (cache.size() >= MAX_CACHED) {
                cache.entrySet().removeIf(e -> !now.isBefore(e.getValue().until()));
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
            }
            cache.put(key, new Verified(ok, now.plus(CACHE_TTL)));
        }
        Arrays.fill(password, (byte) 0);
        if (!ok) {
            failures.incrementAndGet();
        }
        return ok;
    }

    /** Failed logins so far (every refused credential, cached or not); register as {@link #FAILURES_METRIC}. */
    public long failures() {
        return failures.get();
    }

    /** Salted SHA-256 of user, hash and candidate: the cache key, never the password itself. */
    private byte[] digest(String user, String hash, byte[] password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(user.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(hash.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(password);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
