package dev.koreexporter;

import dev.koreexporter.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An Error exits the process, logged once (README "Reliability and security"): with code 3 when out of memory,
 * as the JVM's ExitOnOutOfMemoryError does, 1 for any other Error.
 */
class FatalErrorsTest {
    @Test
    void theFirstErrorIsLoggedOnceAndExitsWithCodeOne() {
        List<Integer> exits = new CopyOnWriteArrayList<>();
        FatalErrors fatal = new FatalErrors(exits::add);
        try (LogCapture log = LogCapture.of(FatalErrors.class.getName())) {
            fatal.accept(new StackOverflowError("test: deep recursion"));
            fatal.accept(new StackOverflowError("test: the same in another thread"));

            assertEquals(List.of(1), exits);
            assertEquals(1, log.records().size(), log.lines().toString());
            assertEquals(Level.SEVERE, log.records().getFirst().getLevel());
            assertTrue(log.lines().getFirst().contains("StackOverflowError") && log.lines().getFirst().contains("code 1"),
                    log.lines().toString());
        }
    }

    @Test
    void runningOutOfMemoryExitsWithCodeThreeAsTheJvmFlagDoes() {
        List<Integer> exits = new CopyOnWriteArrayList<>();
        FatalErrors fatal = new FatalErrors(exits::add);
        try (LogCapture log = LogCapture.of(FatalErrors.class.getName())) {
            fatal.accept(new OutOfMemoryError("test: Java heap space"));
            fatal.accept(new OutOfMemoryError("test: the same in another thread"));

            assertEquals(List.of(3), exits);
            assertTrue(log.lines().getFirst().contains("OutOfMemoryError") && log.lines().getFirst().contains("code 3"),
                    log.lines().toString());
        }
    }
}
