package dev.koreexporter.poll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rate limiter's log in the state dir, read by the next process (docs/reliability.md). */
class FileRequestLogTest {
    private static final long T0 = 1_795_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void theNextProcessReadsWhatWasSentInTheLastHourFromAPrivateFile() throws Exception {
        FileRequestLog first = new FileRequestLog(dir, "billing");
        assertEquals(List.of(), first.recent(), "no file yet");
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long at = T0 + Duration.ofMinutes(10).toMillis() * i;
            first.sent(at);
            sent.add(at);
        }
        Path file = dir.resolve("billing.requests");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        // A write cut short by a kill leaves a partial entry: it is left out.
        Files.write(file, new byte[]{1, 2, 3}, StandardOpenOption.APPEND);

        List<Long> read = new FileRequestLog(dir, "billing").recent();
        long newest = sent.getLast();
        assertEquals(sent.stream().filter(t -> t >= newest - Duration.ofMinutes(61).toMillis()).toList(), read,
                "the last hour (and a minute) of what was sent, oldest first");
    }

    @Test
    void theFileStaysAboutAnHoursWorth() throws Exception {
        FileRequestLog log = new FileRequestLog(dir, "billing");
        log.recent();
        int perHour = 1800;
        for (int i = 0; i < 6 * perHour; i++) {
            log.sent(T0 + i * 2000L); // 1,800 an hour for six hours
        }
        long size = Files.size(dir.resolve("billing.requests"));
        assertTrue(size <= (perHour + 60 + 4097) * (long) Long.BYTES, "rewritten to the last hour: " + size);
        assertEquals(T0 + (6 * perHour - 1) * 2000L, new FileRequestLog(dir, "billing").recent().getLast());
    }
}
