package dev.koreexporter.metrics.store;

/**
 * The few protobuf wire-format encodings the Prometheus {@code MetricFamily} messages need (proto2: a field
 * that is set is written even when it holds its default, fields in field-number order, as protobuf-java does).
 */
final class Protobuf {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;

    private Protobuf() {
    }

    static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    static void string(ByteSink out, int field, String s) {
        bytes(out, field, ByteSink.utf8(s));
    }

    static void bytes(ByteSink out, int field, byte[] b) {
        out.varint(tag(field, LENGTH_DELIMITED));
        out.varint(b.length);
        out.write(b);
    }

    /** A {@code LabelPair} message (name = 1, value = 2) as field {@code field}. */
    static void labelPair(ByteSink out, int field, String name, String value) {
        byte[] n = ByteSink.utf8(name);
        byte[] v = ByteSink.utf8(value);
        out.varint(tag(field, LENGTH_DELIMITED));
        out.varint(2 + varintSize(n.length) + n.length + varintSize(v.length) + v.length);
        bytes(out, 1, n);
        bytes(out, 2, v);
    }

    static void doubleField(ByteSink out, int field, double d) {
        out.varint(tag(field, FIXED64));
        out.fixed64(d);
    }

    static void varintField(ByteSink out, int field, long v) {
        out.varint(tag(field, VARINT));
        out.varint(v);
    }

    /** A signed field ({@code sint32}/{@code sint64}): zig-zag encoded. */
    static void signedField(ByteSink out, int field, long v) {
        out.varint(tag(field, VARINT));
        out.varint((v << 1) ^ (v >> 63));
    }

    /** An embedded message: its length, then what {@code body} holds. */
    static void message(ByteSink out, int field, ByteSink body) {
        out.varint(tag(field, LENGTH_DELIMITED));
        out.varint(body.size());
        out.write(body);
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
