package dev.koreexporter.poll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What makes {@code state.dir} unusable, named (docs/reliability.md). Tests run as root, which no permission bit stops
 * and no read-only directory stops either: those two reasons are checked here on the file system's own exceptions,
 * and for real by {@code StateDirProcessIT}, which runs the jar as user nobody (no permission).
 */
class StateDirTest {
    @TempDir
    Path tmp;

    @Test
    void aUsableDirIsCreatedByTheDaemonButNotByCheckConfigAndNoProbeStays() throws Exception {
        Path dir = tmp.resolve("a/state");
        assertEquals(Optional.empty(), StateDir.check(dir));
        assertFalse(Files.exists(tmp.resolve("a")), "--check-config creates nothing");
        assertEquals(List.of(), Files.list(tmp).toList());

        assertEquals(Optional.empty(), StateDir.prepare(dir));
        assertTrue(Files.isDirectory(dir));
        assertEquals(List.of(), Files.list(dir).toList(), "the probe file is gone");
    }

    @Test
    void aPathUnderARegularFileOrARegularFileItselfIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        for (Optional<String> p : List.of(StateDir.prepare(file.resolve("state")), StateDir.check(file.resolve("state")))) {
            assertTrue(p.orElseThrow().startsWith("state.dir: " + file.resolve("state"))
                    && p.get().contains("a path under a regular file"), p.get());
        }
        assertTrue(StateDir.check(file).orElseThrow().contains("not a directory"), StateDir.check(file).get());
        assertTrue(StateDir.prepare(file).orElseThrow().contains("a path under a regular file")
                || StateDir.prepare(file).get().contains("not a directory"), StateDir.prepare(file).get());
    }

    @Test
    void readOnlyAndPermissionFailuresAreNamedInWordsAUserCanActOn() {
        Path dir = tmp.resolve("state");
        assertEquals("state.dir: " + dir + ": a read-only file system (Read-only file system)",
                StateDir.problem(dir, new FileSystemException(dir + "/x", null, "Read-only file system")));
        assertEquals("state.dir: " + dir + ": no permission to create files there (Permission denied)",
                StateDir.problem(dir, new AccessDeniedException(dir + "/x", null, "Permission denied")));
    }
}
