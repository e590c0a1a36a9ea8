package dev.koreexporter.metrics.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Numbers as client_java's text writers format them, without its allocations; block-wise scratch buffers. */
class ByteSinkTest {

    private static String written(double v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteSink sink = new ByteSink(out, 64);
        sink.writeDouble(v);
        sink.flush();
        return out.toString(StandardCharsets.US_ASCII);
    }

    private static String expected(double v) {
        return v == Double.POSITIVE_INFINITY ? "+Inf" : v == Double.NEGATIVE_INFINITY ? "-Inf" : Double.toString(v);
    }

    @Test
    void doublesAreWrittenAsDoubleToString() {
        Random rnd = new Random(11);
        double[] edges = {0.0, -0.0, 1.0, -1.0, 0.001, 0.0009999, 9_999_999.999, 1e7, 1e7 + 0.5, 123_456_789.0,
                0.1 + 0.2, 1.5, 2.25, 1795168800.0, 0.085, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, -0.25, 4.9e-324, 1e-5};
        for (double v : edges) {
            assertEquals(expected(v), written(v), "edge " + v);
        }
        for (int i = 0; i < 200_000; i++) {
            // Whole milliseconds (the common case), sums of them, and arbitrary doubles of every magnitude.
            double ms = rnd.nextInt(20_000_000) / 1000.0;
            double sum = ms + rnd.nextInt(100_000) / 1000.0;
            double any = Double.longBitsToDouble(rnd.nextLong());
            double scaled = rnd.nextDouble() * Math.pow(10, rnd.nextInt(20) - 8);
            for (double v : new double[] {ms, -ms, sum, any, scaled}) {
                assertEquals(expected(v), written(v), "value " + v);
            }
        }
    }

    @Test
    void longsAndHex() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteSink sink = new ByteSink(out, 8);
        for (long v : new long[] {0, 7, -12, Long.MAX_VALUE, Long.MIN_VALUE}) {
            sink.writeLong(v);
            sink.write(' ');
        }
        sink.writeHex(0x0af7651916cd43ddL);
        sink.flush();
        assertEquals("0 7 -12 9223372036854775807 -9223372036854775808 0af7651916cd43dd",
                out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void aBlockWiseScratchHoldsWhatWasWrittenAcrossBlocks() {
        ByteSink scratch = ByteSink.blocks(16);
        byte[] expected = new byte[1000];
        new Random(2).nextBytes(expected);
        for (int round = 0; round < 2; round++) {
            scratch.reset();
            scratch.write(expected, 0, 10);
            scratch.write(expected, 10, 90);
            for (int i = 100; i < 1000; i++) {
                scratch.write(expected[i]);
            }
            assertEquals(1000, scratch.size());
            assertArrayEquals(expected, scratch.toByteArray(), "round " + round);
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            ByteSink out = new ByteSink(copy, 64);
            out.write(scratch);
            out.flush();
            assertArrayEquals(expected, copy.toByteArray());
        }
    }
}
