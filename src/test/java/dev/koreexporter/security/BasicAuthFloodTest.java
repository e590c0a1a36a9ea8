package dev.koreexporter.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.koreexporter.http.BasicAuthFilter;
import dev.koreexporter.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flood of wrong passwords (eight clients, each a new password every time, real bcrypt at cost 10) does not
 * hold up a user who logged in before, as Prometheus does every scrape: when the remembered success expires, its
 * check costs about one bcrypt, not a wait behind the flood's (README "Reliability and security").
 */
class BasicAuthFloodTest {
    private static final int FLOODERS = 8;
    private static final int RECHECKS = 5;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-20T12:00:00Z"));

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFloodOfWrongPasswordsDoesNotHoldUpAUserWhoLoggedInBefore() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(10, "right".toCharArray());
        BasicAuthFilter filter = new BasicAuthFilter(Map.of("prom", hash), clock);
        filter.authorized(basic("prom", "warm-up")); // bcrypt's first run loads and compiles it
        long started = System.nanoTime();
        assertTrue(filter.authorized(basic("prom", "right")));
        long alone = (System.nanoTime() - started) / 1_000_000;

        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService flood = Executors.newFixedThreadPool(FLOODERS);
        List<Long> rechecks = new ArrayList<>();
        try {
            for (int i = 0; i < FLOODERS; i++) {
                flood.execute(() -> {
                    while (flooding.get()) {
                        filter.authorized(basic("prom", "guess-" + attempts.incrementAndGet()));
                    }
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> filter.failures() >= FLOODERS);
            for (int i = 0; i < RECHECKS; i++) {
                clock.advance(Duration.ofSeconds(61)); // the remembered success has expired: checked again
                long t = System.nanoTime();
                assertTrue(filter.authorized(basic("prom", "right")));
                rechecks.add((System.nanoTime() - t) / 1_000_000);
            }
        } finally {
            flooding.set(false);
            flood.shutdown();
            assertTrue(flood.awaitTermination(30, TimeUnit.SECONDS));
        }
        long worst = rechecks.stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.println("basic auth: one bcrypt alone " + alone + " ms; the known user's checks under a flood of "
                + FLOODERS + " clients: " + rechecks + " ms (" + filter.failures() + " wrong passwords refused)");
        // About one bcrypt, on a machine whose other cores the flood keeps busy: never a queue behind it.
        assertTrue(worst <= 5 * alone + 200, "worst check " + worst + " ms, one bcrypt alone " + alone + " ms");
    }

    /** bcrypt stand-in that holds every check until released, counting the checks that started. */
    private static final class HeldCheck implements BasicAuthFilter.PasswordCheck {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger started = new AtomicInteger();

        @Override
        public boolean matches(byte[] password, String bcryptHash) {
            started.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return BasicAuthFilter.PasswordCheck.BCRYPT.matches(password, bcryptHash);
        }
    }

    @Test
    void requestsWithTheSameCredentialsShareOneBcrypt() throws Exception {
        HeldCheck held = new HeldCheck();
        BasicAuthFilter filter = new BasicAuthFilter(Map.of("prom", BCrypt.withDefaults().hashToString(4,
                "right".toCharArray())), clock, held);
        List<CompletableFuture<BasicAuthFilter.Outcome>> same = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            same.add(CompletableFuture.supplyAsync(() -> filter.check(basic("prom", "wrong"))));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> held.started.get() == 1);
        held.release.countDown();
        for (CompletableFuture<BasicAuthFilter.Outcome> f : same) {
            assertEquals(BasicAuthFilter.Outcome.REFUSED, f.get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, held.started.get());
        assertEquals(5, filter.failures(), "every refused request is counted");
    }

    @Test
    void unknownPasswordsWaitForABusySlotAtMostTwoSecondsButAKnownUsersRecheckNeverWaits() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(4, "right".toCharArray());
        HeldCheck held = new HeldCheck();
        BasicAuthFilter filter = new BasicAuthFilter(Map.of("prom", hash), clock, (password, h) ->
                new String(password, StandardCharsets.UTF_8).startsWith("guess")
                        ? held.matches(password, h) : BasicAuthFilter.PasswordCheck.BCRYPT.matches(password, h));
        assertTrue(filter.authorized(basic("prom", "right")));
        List<CompletableFuture<BasicAuthFilter.Outcome>> holding = new ArrayList<>();
        for (int i = 0; i < BasicAuthFilter.BCRYPT_SLOTS; i++) {
            String guess = "guess-" + i;
            holding.add(CompletableFuture.supplyAsync(() -> filter.check(basic("prom", guess))));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> held.started.get() == holding.size());

        clock.advance(Duration.ofSeconds(61));
        long t = System.nanoTime();
        assertEquals(BasicAuthFilter.Outcome.ALLOWED, filter.check(basic("prom", "right")), "no slot needed");
        long recheckMs = (System.nanoTime() - t) / 1_000_000;
        assertTrue(recheckMs < 1_000, "re-checked in " + recheckMs + " ms while every slot was busy");

        t = System.nanoTime();
        assertEquals(BasicAuthFilter.Outcome.BUSY, filter.check(basic("prom", "another")));
        long waitedMs = (System.nanoTime() - t) / 1_000_000;
        long wait = BasicAuthFilter.SLOT_WAIT.toMillis();
        assertTrue(waitedMs >= wait - 50 && waitedMs < 2 * wait, "gave up after " + waitedMs + " ms");
        held.release.countDown();
        for (CompletableFuture<BasicAuthFilter.Outcome> f : holding) {
            assertEquals(BasicAuthFilter.Outcome.REFUSED, f.get(5, TimeUnit.SECONDS));
        }
    }
}
