package dev.koreexporter.kore;

import dev.koreexporter.kore.dto.WireFormatException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Un-gzipping into an array of the size the trailer announces must not trust the trailer. */
class GunzipTest {
    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(data);
        }
        return out.toByteArray();
    }

    /** Un-gzips without a practical bound: these tests are of the decoder itself. */
    private static byte[] gunzip(byte[] body) throws WireFormatException, BoundedBody.TooLarge {
        return BoundedBody.gunzip(body, Integer.MAX_VALUE - 16);
    }

    private static byte[] data(int n) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = (byte) ('a' + (i * 31 + i / 7) % 26);
        }
        return d;
    }

    @Test
    void decodesBodiesOfEverySize() throws Exception {
        for (int n : new int[] {0, 1, 17, 4096, 1_000_000}) {
            assertArrayEquals(data(n), gunzip(gzip(data(n))), "size " + n);
        }
    }

    @Test
    void aTrailerAnnouncingTooMuchOrTooLittleStillGivesTheWholeBody() throws Exception {
        byte[] body = data(50_000);
        // Two gzip members back to back: the trailer at the end only counts the second.
        byte[] first = gzip(Arrays.copyOf(body, 30_000));
        byte[] second = gzip(Arrays.copyOfRange(body, 30_000, body.length));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        assertArrayEquals(body, gunzip(both));

        byte[] lying = gzip(body);
        lying[lying.length - 2] = 0x7f; // announces ~2 GB; the allocation stays bounded, then the CRC check fails
        WireFormatException e = assertThrows(WireFormatException.class, () -> gunzip(lying));
        assertFalse(e.truncated());
    }

    @Test
    void aBodyCutShortIsTruncatedNotCorrupt() throws Exception {
        byte[] whole = gzip("{\"messages\":[]}".repeat(1000).getBytes(StandardCharsets.UTF_8));
        for (int cut : new int[] {2, 10, whole.length / 2, whole.length - 1}) {
            WireFormatException e = assertThrows(WireFormatException.class,
                    () -> gunzip(Arrays.copyOf(whole, cut)), "cut at " + cut);
            assertTrue(e.truncated(), "cut at " + cut + ": " + e.getMessage());
            assertEquals("gzip body ends early", e.getMessage());
        }
    }
}
