package dev.koreexporter.kore;

import dev.koreexporter.kore.dto.WireFormatException;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a response body, and un-gzips it, never holding more than {@code kore.max-response-size} (README
 * "Configuration"): a body over the bound is abandoned as soon as it crosses it, so neither a huge page nor
 * a gzip bomb is ever held in memory whole.
 */
final class BoundedBody {
    private static final int FIRST_CHUNK = 64 * 1024;
    private static final int MAX_CHUNK = 1 << 20;

    /** The body crossed the bound; only how many bytes were allowed is known, not how big it was. */
    static final class TooLarge extends Exception {
        TooLarge(long max) {
            super("response body larger than " + max + " bytes", null, false, false);
        }
    }

    private BoundedBody() {
    }

    /**
     * At most {@code max} bytes of {@code in}.
     *
     * @param contentLength the announced length, or -1 when the body is chunked
     * @throws TooLarge when the announced length or the bytes read exceed {@code max}
     */
    static byte[] read(InputStream in, long contentLength, long max) throws IOException, TooLarge {
        if (contentLength > max) {
            throw new TooLarge(max);
        }
        if (contentLength >= 0) {
            byte[] body = new byte[(int) contentLength];
            // Not readNBytes: Helidon's fixed-length entity stream can block on a read past what is left.
            int n = fill(in, body, body.length);
            return n == body.length ? body : Arrays.copyOf(body, n);
        }
        // Chunks growing to 1 MiB: no doubling buffer that would briefly hold twice the bound.
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        int size = FIRST_CHUNK;
        while (true) {
            byte[] chunk = new byte[size];
            int n = fill(in, chunk, chunk.length);
            total += n;
            if (total > max) {
                throw new TooLarge(max);
            }
            chunks.add(n == chunk.length ? chunk : Arrays.copyOf(chunk, n));
            if (n < chunk.length) {
                break;
            }
            size = Math.min(size * 2, MAX_CHUNK);
        }
        byte[] body = new byte[(int) total];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, body, at, c.length);
            at += c.length;
        }
        return body;
    }

    /**
     * Un-gzips into an array of the size the gzip trailer announces when that fits the bound, counting (and
     * discarding) whatever follows; decompresses a second time only when the trailer understated the size.
     */
    static byte[] gunzip(byte[] gzip, long max) throws WireFormatException, TooLarge {
        long announced = announcedSize(gzip);
        // The trailer is the size modulo 2^32, so one above the bound means a body at least that large;
        // it is still checked by counting (trailers can be corrupt) before it is believed.
        int guess = (int) (announced <= max ? announced : 0);
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip), 64 * 1024)) {
            byte[] out = new byte[guess];
            int n = in.readNBytes(out, 0, guess);
            long total = n + count(in, max - n + 1);
            if (total > max) {
                throw new TooLarge(max);
            }
            if (total == n) {
                return n == out.length ? out : Arrays.copyOf(out, n);
            }
            out = null; // the first attempt is garbage now
            try (var again = new GZIPInputStream(new ByteArrayInputStream(gzip), 64 * 1024)) {
                byte[] exact = new byte[(int) total];
                again.readNBytes(exact, 0, exact.length);
                return exact;
            }
        } catch (EOFException e) {
            throw new WireFormatException("gzip body ends early", true);
        } catch (IOException e) {
            throw new WireFormatException("gzip body is corrupt", false);
        }
    }

    /** Reads up to {@code len} bytes into {@code b} in reads of at most 64 KiB; fewer only at the end. */
    private static int fill(InputStream in, byte[] b, int len) throws IOException {
        int at = 0;
        while (at < len) {
            int n = in.read(b, at, Math.min(64 * 1024, len - at));
            if (n < 0) {
                break;
            }
            at += n;
        }
        return at;
    }

    /** Bytes left in {@code in}, reading at most {@code limit}. */
    private static long count(InputStream in, long limit) throws IOException {
        byte[] scratch = new byte[64 * 1024];
        long total = 0;
        while (total < limit) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, limit - total));
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** The gzip trailer's size of the uncompressed data (modulo 2^32); 0 when there is no trailer. */
    private static long announcedSize(byte[] gzip) {
        int n = gzip.length;
        if (n < 18) {
            return 0;
        }
        return (gzip[n - 4] & 0xffL) | (gzip[n - 3] & 0xffL) << 8 | (gzip[n - 2] & 0xffL) << 16
                | (gzip[n - 1] & 0xffL) << 24;
    }
}
