package dev.koreexporter.metrics.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bytes on their way to a scrape: a buffer in front of an {@link OutputStream}, or, without one, a growable
 * scratch buffer (a protobuf message whose length must be known before it is written). Numbers are formatted
 * here as client_java's writers format them ({@code Long.toString}, {@code Double.toString}, {@code +Inf}),
 * without allocating for the common cases.
 */
final class ByteSink {
    private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);
    private static final byte[] POSITIVE_INFINITY = ascii("+Inf");
    private static final byte[] NEGATIVE_INFINITY = ascii("-Inf");
    private static final byte[] DOT_ZERO = ascii(".0");

    private final OutputStream out;
    /** A scratch buffer grows in blocks of this size (never copying what it holds), or doubles when 0. */
    private final int blockSize;
    private byte[] buf;
    private int pos;
    /** Filled blocks of a block-wise scratch buffer, and how much of each is used. */
    private final List<byte[]> blocks = new ArrayList<>();
    private int[] used = new int[8];
    /** Blocks {@link #reset} freed, reused before new ones are allocated. */
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private final byte[] digits = new byte[20];

    /** Writes through to {@code out} whenever {@code bufferSize} bytes are buffered. */
    ByteSink(OutputStream out, int bufferSize) {
        this(out, bufferSize, 0);
    }

    /** A scratch buffer that grows as needed, doubling. */
    ByteSink(int initialSize) {
        this(null, initialSize, 0);
    }

    private ByteSink(OutputStream out, int bufferSize, int blockSize) {
        this.out = out;
        this.blockSize = blockSize;
        this.buf = new byte[bufferSize];
    }

    /**
     * A scratch buffer that grows block by block: for a whole metric family (megabytes at a hundred bots),
     * which doubling would copy over and over and leave as large arrays for the old generation.
     */
    static ByteSink blocks(int blockSize) {
        return new ByteSink(null, blockSize, blockSize);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    int size() {
        int size = pos;
        for (int i = 0; i < blocks.size(); i++) {
            size += used[i];
        }
        return size;
    }

    void reset() {
        pos = 0;
        spare.addAll(blocks);
        blocks.clear();
    }

    /** What a scratch buffer holds. */
    byte[] toByteArray() {
        byte[] all = new byte[size()];
        int at = 0;
        for (int i = 0; i < blocks.size(); i++) {
            System.arraycopy(blocks.get(i), 0, all, at, used[i]);
            at += used[i];
        }
        System.arraycopy(buf, 0, all, at, pos);
        return all;
    }

    void write(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    void write(byte[] bytes, int off, int len) {
        if (blockSize > 0 && len > blockSize) {
            for (int at = off; at < off + len; at += blockSize) {
                write(bytes, at, Math.min(blockSize, off + len - at));
            }
            return;
        }
        if (out != null && len > buf.length) {
            flush();
            try {
                out.write(bytes, off, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        ensure(len);
        System.arraycopy(bytes, off, buf, pos, len);
        pos += len;
    }

    /** Appends what {@code scratch} holds. */
    void write(ByteSink scratch) {
        for (int i = 0; i < scratch.blocks.size(); i++) {
            write(scratch.blocks.get(i), 0, scratch.used[i]);
        }
        write(scratch.buf, 0, scratch.pos);
    }

    /** Decimal digits, as {@code Long.toString}. */
    void writeLong(long v) {
        if (v == Long.MIN_VALUE) {
            write(ascii(Long.toString(v)));
            return;
        }
        if (v < 0) {
            write('-');
            v = -v;
        }
        int i = digits.length;
        do {
            digits[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        write(digits, i, digits.length - i);
    }

    /** As client_java's text writers: {@code Double.toString}, with {@code +Inf} and {@code -Inf}. */
    void writeDouble(double v) {
        if (v == (long) v && Math.abs(v) < 1e7 && Double.doubleToRawLongBits(v) != NEGATIVE_ZERO) {
            // Integral values below 10^7 are the common case (counters): Double.toString writes them as "n.0".
            writeLong((long) v);
            write(DOT_ZERO);
        } else if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7 && Math.rint(v * 1000) / 1000 == v) {
            // Whole milliseconds (latencies, exemplar values): no shorter decimal reads back as the same double,
            // so Double.toString writes exactly these digits.
            writeMillis(Math.round(v * 1000));
        } else if (v == Double.POSITIVE_INFINITY) {
            write(POSITIVE_INFINITY);
        } else if (v == Double.NEGATIVE_INFINITY) {
            write(NEGATIVE_INFINITY);
        } else {
            write(ascii(Double.toString(v)));
        }
    }

    /** {@code millis / 1000} with the fraction's trailing zeros dropped, as Double.toString writes it. */
    private void writeMillis(long millis) {
        if (millis < 0) {
            write('-');
            millis = -millis;
        }
        writeLong(millis / 1000);
        write('.');
        long fraction = millis % 1000;
        write((int) ('0' + fraction / 100));
        if (fraction % 100 != 0) {
            write((int) ('0' + fraction / 10 % 10));
            if (fraction % 10 != 0) {
                write((int) ('0' + fraction % 10));
            }
        }
    }

    /** An OpenMetrics timestamp: seconds with three decimals. */
    void writeSeconds(long millis) {
        writeLong(millis / 1000);
        write('.');
        long ms = millis % 1000;
        if (ms < 100) {
            write('0');
        }
        if (ms < 10) {
            write('0');
        }
        writeLong(ms);
    }

    /** 16 lower-case hex digits (a span id, or half a trace id). */
    void writeHex(long v) {
        ensure(16);
        for (int shift = 60; shift >= 0; shift -= 4) {
            int d = (int) (v >>> shift) & 0xf;
            buf[pos++] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
        }
    }

    /** A protobuf base-128 varint. */
    void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** A protobuf fixed64 (a double's bits, little-endian). */
    void fixed64(double d) {
        long v = Double.doubleToRawLongBits(d);
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
    }

    void flush() {
        if (out == null || pos == 0) {
            return;
        }
        try {
            out.write(buf, 0, pos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pos = 0;
    }

    private void ensure(int n) {
        if (pos + n <= buf.length) {
            return;
        }
        if (out != null && n <= buf.length) {
            flush();
        } else if (blockSize > 0 && n <= blockSize) {
            if (blocks.size() == used.length) {
                used = Arrays.copyOf(used, used.length * 2);
            }
            used[blocks.size()] = pos;
            blocks.add(buf);
            buf = spare.isEmpty() ? new byte[blockSize] : spare.poll();
            pos = 0;
        } else {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
