package dev.koreexporter.poll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unreadable checkpoints are a typed failure that leaves the file alone; per-bot OS locks. */
class FileCheckpointStoreTest {
    @TempDir
    Path dir;

    @Test
    void anUnreadableCheckpointIsReportedByNameAndLeftExactlyAsItWas() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save("good", new Checkpoint(Checkpoint.VERSION, "st-1", 1, Map.of("messages", 5L), Map.of(), Map.of(),
                List.of(), Map.of(), null));
        String whole = Files.readString(dir.resolve("good.checkpoint.json"));
        Map<String, String> cases = Map.of(
                "truncated", whole.substring(0, whole.length() / 2),
                "not-json", "this is not json",
                "null", "null",
                "empty", "",
                "future", whole.replace("\"version\":" + Checkpoint.VERSION, "\"version\":99"));
        for (var c : cases.entrySet()) {
            Path file = dir.resolve(c.getKey() + ".checkpoint.json");
            byte[] bytes = c.getValue().getBytes(StandardCharsets.UTF_8);
            Files.write(file, bytes);

            CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> store.load(c.getKey()),
                    c.getKey());

            assertEquals(file, e.file());
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("delete it"), e.getMessage());
            assertArrayEquals(bytes, Files.readAllBytes(file), c.getKey() + " was modified");
            assertTrue(Files.notExists(dir.resolve(c.getKey() + ".checkpoint.json.tmp")));
        }
        assertEquals(5L, store.load("good").orElseThrow().watermarks().get("messages"));
        assertEquals(Optional.empty(), store.load("absent"));
    }

    @Test
    void aCheckpointStreamedToItsFileHasTheBytesEveryStoreKeeps() throws Exception {
        long[] ids = new long[200_000];
        for (int i = 0; i < ids.length; i += 2) {
            ids[i] = 0x9E3779B97F4A7C15L * (i + 1);
            ids[i + 1] = 1_796_000_000_000L + i;
        }
        Checkpoint cp = new Checkpoint(Checkpoint.VERSION, "st-1", 1, Map.of("messages:rtm", 5L), Map.of(), Map.of(),
                List.of(), Map.of("messages:rtm", ids), null);
        FileCheckpointStore store = new FileCheckpointStore(dir);

        store.save("busy", cp);

        assertArrayEquals(CheckpointJson.bytes(cp), Files.readAllBytes(dir.resolve("busy.checkpoint.json")));
        assertArrayEquals(ids, store.load("busy").orElseThrow().seenHashes().get("messages:rtm"));
    }

    @Test
    void aBotsLockIsHeldUntilClosedAndOtherBotsAreIndependent() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        FileCheckpointStore other = new FileCheckpointStore(dir);
        CheckpointLock billing = store.tryLock("billing").orElseThrow();

        // A second holder (here a second channel of this JVM; a second process gets the same answer).
        assertEquals(Optional.empty(), other.tryLock("billing"));
        CheckpointLock support = other.tryLock("support").orElseThrow();
        assertTrue(Files.exists(dir.resolve("billing.lock")));

        billing.close();
        CheckpointLock takenOver = other.tryLock("billing").orElseThrow();
        assertEquals("billing", takenOver.botName());
        takenOver.close();
        support.close();
    }

    @Test
    void checkpointsTheirTempFilesAndLockFilesAreReadableByTheOwnerOnly() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        Checkpoint cp = new Checkpoint(Checkpoint.VERSION, "st-1", 0, Map.of("sessions", 1L), Map.of(), Map.of(),
                List.of(), Map.of(), null);
        store.save("a", cp);
        assertEquals("rw-------", mode(dir.resolve("a.checkpoint.json")));
        Files.writeString(dir.resolve("b.lock"), "", StandardCharsets.UTF_8); // left 0644 by an older version
        Files.setPosixFilePermissions(dir.resolve("b.lock"), PosixFilePermissions.fromString("rw-r--r--"));
        try (CheckpointLock lock = store.tryLock("b").orElseThrow()) {
            assertEquals("rw-------", mode(dir.resolve("b.lock")));
        }
        store.tryLock("c").orElseThrow().close();
        assertEquals("rw-------", mode(dir.resolve("c.lock")));

        // The rename fails (a directory where the checkpoint goes): the temp file stays, as it was written.
        Files.createDirectories(dir.resolve("d.checkpoint.json").resolve("x"));
        assertThrows(IOException.class, () -> store.save("d", cp));
        assertEquals("rw-------", mode(dir.resolve("d.checkpoint.json.tmp")));
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
