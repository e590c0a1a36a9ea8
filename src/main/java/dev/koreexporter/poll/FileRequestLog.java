package dev.koreexporter.poll;

import dev.koreexporter.kore.RequestLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A bot's {@link RequestLog} in the state dir, {@code <bot>.requests} (0600): each request's send time, 8 bytes
 * appended before it is sent, so that a restarted process, however the last one ended (kill -9, a crash loop, a
 * liveness probe), paces its first requests by what was really sent (docs/reliability.md). Not synced: a killed
 * process's writes are in the OS's cache already; only a host crash can lose the last ones, and a host takes longer
 * than the minute window to come back. Rewritten to the last hour once it holds a few thousand entries more. A
 * write that fails is logged once per failure streak and never holds a request back.
 */
public final class FileRequestLog implements RequestLog {
    private static final Logger LOG = Logger.getLogger(FileRequestLog.class.getName());
    private static final long KEEP_MILLIS = Duration.ofHours(1).plusMinutes(1).toMillis();
    /** Entries appended beyond those kept before the file is rewritten. */
    private static final int SLACK = 4096;
    /** At most this many trailing entries are read: more than an hour holds at any rate Kore.ai allows. */
    private static final int MAX_READ = 16_384;

    private final String bot;
    private final Path file;
    private final Deque<Long> kept = new ArrayDeque<>();
    private FileChannel out;
    private long entries;
    private boolean failing;

    public FileRequestLog(Path stateDir, String bot) {
        this.bot = bot;
        this.file = stateDir.resolve(bot + ".requests");
    }

    @Override
    public synchronized List<Long> recent() {
        List<Long> read = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long count = in.size() / Long.BYTES;
            long first = Math.max(0, count - MAX_READ);
            ByteBuffer buf = ByteBuffer.allocate((int) (count - first) * Long.BYTES);
            in.position(first * Long.BYTES);
            while (buf.hasRemaining() && in.read(buf) >= 0) {
                // a trailing partial entry (a write cut short) is left out below
            }
            buf.flip();
            while (buf.remaining() >= Long.BYTES) {
                read.add(buf.getLong());
            }
            entries = count;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            failed("cannot read", e);
            return List.of();
        }
        long newest = read.stream().mapToLong(Long::longValue).max().orElse(0);
        read.removeIf(t -> t < newest - KEEP_MILLIS);
        kept.clear();
        kept.addAll(read);
        return List.copyOf(read);
    }

    @Override
    public synchronized void sent(long epochMillis) {
        kept.addLast(epochMillis);
        while (!kept.isEmpty() && kept.peekFirst() < epochMillis - KEEP_MILLIS) {
            kept.removeFirst();
        }
        try {
            if (out == null || entries > kept.size() + SLACK) {
                rewrite();
            } else {
                out.write(ByteBuffer.allocate(Long.BYTES).putLong(0, epochMillis));
                entries++;
            }
            if (failing) {
                failing = false;
                LOG.info("bot=" + bot + " request log written again");
            }
        } catch (IOException e) {
            closeOut();
            failed("cannot write", e);
        }
    }

    /** The kept entries to a new file, renamed over the old one, then appended to. */
    private void rewrite() throws IOException {
        closeOut();
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = Modes.open(temp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            ByteBuffer buf = ByteBuffer.allocate(kept.size() * Long.BYTES);
            kept.forEach(buf::putLong);
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        out = Modes.open(file, Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        entries = kept.size();
    }

    private void failed(String what, IOException e) {
        if (!failing) {
            failing = true;
            LOG.warning("bot=" + bot + " " + what + " its request log " + file + " (" + e.getMessage()
                    + "): a restart now may pace its first requests as if none had been sent");
        }
    }

    private void closeOut() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing was left to write
            }
            out = null;
        }
    }
}
