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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP basic auth for everything but {@code /health/*} (orchestrators probe without credentials), checked
 * against bcrypt hashes as Prometheus' exporter-toolkit does (README "Reliability and security", docs/security.md).
 * bcrypt is slow on purpose and Prometheus scrapes every few seconds, so results are remembered for
 * {@link #CACHE_TTL} as a salted SHA-256 of user, hash and password, never the password itself: each user's last
 * good password apart from the refused ones, so that a flood of wrong passwords can never push out the one
 * Prometheus uses. There is no global lock: one bcrypt runs per digest at a time (requests with the same
 * credentials share its result), at most {@link #BCRYPT_SLOTS} for passwords not known to be good, and none of
 * those is waited for longer than {@link #SLOT_WAIT}; the re-check of a user's last good password when its
 * minute is up takes no slot, so it never queues behind a flood.
 */
public final class BasicAuthFilter implements Filter {
    public static final String REALM = "kore-exporter";
    static final Duration CACHE_TTL = Duration.ofMinutes(1);
    /** bcrypt runs at once for passwords not known to be good: half the cores, so scrapes and pollers keep the rest. */
    public static final int BCRYPT_SLOTS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    /** How long such a check waits for a slot before its request is answered 503. */
    public static final Duration SLOT_WAIT = Duration.ofSeconds(2);
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

    /** How a login ended. */
    public enum Outcome {
        ALLOWED, REFUSED,
        /** Not checked: every bcrypt slot stayed busy for {@link #SLOT_WAIT} (answered 503, not counted as a failure). */
        BUSY
    }

    /** A user's last good password, as its digest, and until when it is believed without a bcrypt. */
    private record Good(String digest, Instant until) {
    }

    /** Name under which {@link #failures()} is exported (README "Metrics"; {@code ExporterRoutes} has {@code KoreMetrics} export it). */
    public static final String FAILURES_METRIC = "kore_exporter_http_auth_failures_total";
    /** Refused digests remembered, at most: a flood of distinct wrong passwords cannot grow them without bound. */
    static final int MAX_CACHED = 1024;

    private final Map<String, String> hashes;
    private final Clock clock;
    private final PasswordCheck check;
    private final byte[] salt = new byte[16];
    /** By user: one entry per configured user at most. */
    private final Map<String, Good> good = new ConcurrentHashMap<>();
    /** Refused digest to the end of its minute. */
    private final Map<String, Instant> refused = new ConcurrentHashMap<>();
    /** The bcrypt under way for a digest; its result is everyone's who sent the same credentials meanwhile. */
    private final Map<String, CompletableFuture<Outcome>> checking = new ConcurrentHashMap<>();
    private final Semaphore slots = new Semaphore(BCRYPT_SLOTS, true);
    private final AtomicLong failures = new AtomicLong();

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
        Outcome outcome = path.equals("/health") || path.startsWith("/health/") ? Outcome.ALLOWED
                : check(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        switch (outcome) {
            case ALLOWED -> chain.proceed();
            case REFUSED -> {
                res.status(Status.UNAUTHORIZED_401);
                res.header(HeaderNames.WWW_AUTHENTICATE, CHALLENGE);
                res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                res.send("Unauthorized\n");
            }
            case BUSY -> {
                res.status(Status.SERVICE_UNAVAILABLE_503);
                res.header(HeaderNames.RETRY_AFTER, "1");
                res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                res.send("too many logins being checked\n");
            }
        }
    }

    /** @param authorization the {@code Authorization} header, or null */
    public boolean authorized(String authorization) {
        return check(authorization) == Outcome.ALLOWED;
    }

    /** @param authorization the {@code Authorization} header, or null */
    public Outcome check(String authorization) {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Outcome.REFUSED;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return Outcome.REFUSED;
        }
        int colon = indexOf(decoded, (byte) ':');
        if (colon < 0) {
            Arrays.fill(decoded, (byte) 0);
            return Outcome.REFUSED;
        }
        // The password stays bytes, zeroed after use: never a String.
        String user = new String(decoded, 0, colon, StandardCharsets.UTF_8);
        byte[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
        Arrays.fill(decoded, (byte) 0);
        try {
            Outcome outcome = check(user, password);
            if (outcome == Outcome.REFUSED) {
                failures.incrementAndGet();
            }
            return outcome;
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private Outcome check(String user, byte[] password) {
        String hash = hashes.get(user);
        String digest = Base64.getEncoder().encodeToString(digest(user, hash == null ? DUMMY_HASH : hash, password));
        Instant now = clock.instant();
        Good known = good.get(user);
        boolean knownGood = known != null && known.digest().equals(digest);
        if (knownGood && now.isBefore(known.until())) {
            return Outcome.ALLOWED;
        }
        Instant refusedUntil = refused.get(digest);
        if (refusedUntil != null && now.isBefore(refusedUntil)) {
            return Outcome.REFUSED;
        }
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> underWay = checking.putIfAbsent(digest, mine);
        if (underWay != null) {
            return underWay.join();
        }
        try {
            Outcome outcome = verify(user, hash, password, digest, now, knownGood);
            mine.complete(outcome);
            return outcome;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            checking.remove(digest, mine);
        }
    }

    /** One bcrypt; a password not known to be good waits for a slot first. */
    private Outcome verify(String user, String hash, byte[] password, String digest, Instant now, boolean knownGood) {
        if (!knownGood && !acquireSlot()) {
            return Outcome.BUSY;
        }
        boolean ok;
        try {
            ok = check.matches(password, hash == null ? DUMMY_HASH : hash) && hash != null;
        } finally {
            if (!knownGood) {
                slots.release();
            }
        }
        if (ok) {
            good.put(user, new Good(digest, now.plus(CACHE_TTL)));
            return Outcome.ALLOWED;
        }
        if (refused.size() >= MAX_CACHED) {
            refused.values().removeIf(until -> !now.isBefore(until));
            if (refused.size() >= MAX_CACHED) {
                refused.clear();
            }
        }
        refused.put(digest, now.plus(CACHE_TTL));
        return Outcome.REFUSED;
    }

    private boolean acquireSlot() {
        try {
            return slots.tryAcquire(SLOT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Failed logins so far (every refused credential, cached or not); register as {@link #FAILURES_METRIC}. */
    public long failures() {
        return failures.get();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
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
