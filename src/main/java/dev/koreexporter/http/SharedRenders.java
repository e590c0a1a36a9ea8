package dev.koreexporter.http;

import dev.koreexporter.metrics.store.ExpositionFormat;
import dev.koreexporter.metrics.store.ScrapeFilter;

import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Renders {@code /metrics} answers into memory, gzip-compressed (fastest level: about 16× smaller, ~3 ms per MB
 * here), at most {@link #MAX_CONCURRENT} at once. A scrape that asks for what is being rendered (same format,
 * same filter) waits for that render and gets the same bytes. A slot is held while rendering only, never while
 * a client reads, so a slow or stuck client cannot hold up other scrapes; what it holds is its compressed answer.
 */
final class SharedRenders {
    static final int MAX_CONCURRENT = 2;
    static final Duration QUEUE_WAIT = Duration.ofSeconds(2);
    private static final int BUFFER_BYTES = 64 * 1024;

    /** What a render depends on. */
    record Key(ExpositionFormat format, ScrapeFilter filter) {
    }

    /**
     * A rendered answer: its gzip bytes in blocks (never copied into one array: at a hundred bots they are
     * megabytes), and the length of what they inflate to.
     */
    record Rendered(List<byte[]> blocks, int lastBlockLength, long length) {
        long gzipLength() {
            return blocks.isEmpty() ? 0 : (long) (blocks.size() - 1) * BUFFER_BYTES + lastBlockLength;
        }

        void writeGzip(OutputStream out) throws IOException {
            for (int i = 0; i < blocks.size(); i++) {
                out.write(blocks.get(i), 0, i == blocks.size() - 1 ? lastBlockLength : BUFFER_BYTES);
            }
        }

        InputStream gzip() {
            List<InputStream> parts = new ArrayList<>();
            for (int i = 0; i < blocks.size(); i++) {
                parts.add(new ByteArrayInputStream(blocks.get(i), 0,
                        i == blocks.size() - 1 ? lastBlockLength : BUFFER_BYTES));
            }
            return new SequenceInputStream(Collections.enumeration(parts));
        }
    }

    /** Writes the answer for a key. */
    @FunctionalInterface
    interface Renderer {
        void render(Key key, OutputStream out) throws IOException;
    }

    /** No render slot freed within {@link #QUEUE_WAIT}. */
    static final class BusyException extends Exception {
        BusyException() {
            super("too many concurrent scrapes", null, false, false);
        }
    }

    private final Semaphore slots;
    private final Renderer renderer;
    private final Map<Key, CompletableFuture<Rendered>> inFlight = new ConcurrentHashMap<>();

    SharedRenders(int maxConcurrent, Renderer renderer) {
        this.slots = new Semaphore(maxConcurrent, true);
        this.renderer = renderer;
    }

    /** Scrapes waiting for a render slot now. */
    int waiting() {
        return slots.getQueueLength();
    }

    /** The answer for {@code key}: rendered now, or by the render already under way for it. */
    Rendered render(Key key) throws IOException, InterruptedException, BusyException {
        CompletableFuture<Rendered> mine = new CompletableFuture<>();
        CompletableFuture<Rendered> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return join(running);
        }
        try {
            if (!slots.tryAcquire(QUEUE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                BusyException busy = new BusyException();
                mine.completeExceptionally(busy);
                throw busy;
            }
            try {
                Rendered r = compressed(key);
                mine.complete(r);
                return r;
            } catch (IOException | RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                slots.release();
            }
        } catch (InterruptedException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private Rendered compressed(Key key) throws IOException {
        Blocks bytes = new Blocks();
        Counting counting;
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, BUFFER_BYTES) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            counting = new Counting(gzip);
            renderer.render(key, counting);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Rendered(List.copyOf(bytes.blocks), bytes.pos, counting.count);
    }

    private static Rendered join(CompletableFuture<Rendered> running)
            throws IOException, InterruptedException, BusyException {
        try {
            return running.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case BusyException busy -> throw new BusyException();
                case IOException io -> throw new IOException(io.getMessage(), io);
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                case InterruptedException i -> throw new IOException("the shared render was interrupted", i);
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Collects bytes in fixed-size blocks. */
    private static final class Blocks extends OutputStream {
        final List<byte[]> blocks = new ArrayList<>();
        int pos = BUFFER_BYTES;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (pos == BUFFER_BYTES) {
                    blocks.add(new byte[BUFFER_BYTES]);
                    pos = 0;
                }
                int n = Math.min(len, BUFFER_BYTES - pos);
                System.arraycopy(b, off, blocks.getLast(), pos, n);
                pos += n;
                off += n;
                len -= n;
            }
        }
    }

    /** Counts the uncompressed bytes (the {@code Content-Length} of an answer to a client without gzip). */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() {
            // The gzip stream is closed by its owner.
        }
    }
}
