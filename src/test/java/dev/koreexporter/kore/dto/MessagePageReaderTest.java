package dev.koreexporter.kore.dto;

import dev.koreexporter.model.Direction;
import dev.koreexporter.model.LatencyField;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one message reader must give exactly what 0.3.0's tree path gave ({@link TreeMessagePage}: databind over
 * {@code WireJson.parse}), for good records, bad ones, odd shapes and broken bodies.
 */
class MessagePageReaderTest {
    private static final String TURN = """
            {"_id":"ms-2","botId":"st-1","type":"outgoing","createdOn":"2026-03-28T12:18:23.438Z","sessionId":"s1",
             "timestampValue":1774700303438,"chnl":"ivrVoice","lang":"de","createdBy":"u-secret-user",
             "tags":{"userTags":[{"value":"+155501"}],"nested":[[{"a":[1,{"b":null}]}]]},
             "components":[{"_id":"c1","cT":"text","data":{"text":"Your order ships today"},"thumbnails":[]}],
             "channels":[{"type":"korevg","channelUId":"+155501"}],
             "latency":{"totalMs":1234,"asr":{"durationMs":310.5,"provider":"google","confidenceScore":0.94},
                        "bot":{"durationMs":680},
                        "tts":{"durationMs":244,"provider":"azure","utteranceLengthChars":42,"audioLengthMs":2100,
                               "streamingEnabled":true,"firstByteMs":85},
                        "somethingNew":{"x":[1,2,{"y":"z"}]}}}""";
    private static final String INCOMING = """
            {"_id":"ms-1","type":"incoming","createdOn":"2026-03-28T12:18:22.204Z","sessionId":"s1","lang":"de",
             "components":[{"cT":"text","data":{"text":"Where is my order?"}}],"channels":[{"type":"korevg"}],
             "traceId":"5371b61d-b1bb-4432-80de-7430772b0cfb"}""";

    /** Records whose every field is varied: well-formed, wrongly typed, null, duplicated, nested oddly. */
    private static final List<String> RECORDS = List.of(
            TURN, INCOMING,
            "{}", "[]", "[1,2]", "null", "42", "\"text\"", "true",
            "{\"_id\":\"\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":\"  \",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":null,\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":7,\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":{\"$oid\":\"x\"},\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"_id\":\"b\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"_id\":null,\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"type\":\"INCOMING\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"traceId\":7}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"traceId\":null}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"traceId\":\" \"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"traceId\":{\"x\":1}}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"traceId\":\"t1\",\"traceId\":\"t2\"}",
            "{\"_id\":\"a\",\"type\":\"sideways\",\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"type\":null,\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"type\":1,\"createdOn\":\"2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":true}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":1774700303438}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":null,\"timestampValue\":1774700303438}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":\"1774700303438\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":\"yesterday\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":1774700303438.9}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":123456789012345678901234567890}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":true}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":[1]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":\" \"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":\" 1774700303438 \"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":\"null\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"timestampValue\":9.3e18}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\" 2026-03-28T12:18:22.204Z \"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28t12:18:22.204z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204+02:00\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-02-30T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2024-02-29T23:59:59.999Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T24:00:00.000Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-12-31T23:59:60.000Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-13-28T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:61:22.204Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.2O4Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"+2026-03-28T12:18:22.204Z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"sessionId\":12}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"lang\":1.5e3}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"lang\":{}}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"chnl\":\" \","
                    + "\"channels\":[{\"type\":\"rtm\"}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"channels\":[]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"chnl\":\"x\","
                    + "\"channels\":[{\"type\":\"y\"}],\"chnl\":null}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"chnl\":\"x\","
                    + "\"channels\":[{\"type\":\"y\"}],\"chnl\":\"z\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"chnl\":\"x\","
                    + "\"channels\":[{\"type\":null},{\"type\":\"y\"}],\"chnl\":\"\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"chnl\":\"x\","
                    + "\"channels\":[{\"type\":7}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"channels\":null}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"channels\":[null,{\"type\":\"x\"}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"channels\":[{},{\"type\":\"x\"}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"channels\":[{\"type\":\"x\"},5]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"channels\":[\"korevg\"]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"channels\":{\"type\":\"x\"}}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"channels\":[{\"type\":3}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"channels\":[{\"type\":\"a\",\"type\":\"b\"}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"components\":null}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"components\":[null]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"components\":[{\"data\":\"hi\"}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"components\":[{\"data\":[\"hi\"]}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"components\":[{\"data\":{\"text\":5}}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\","
                    + "\"components\":[{\"data\":{\"text\":\"one\",\"text\":\"two\"}}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\","
                    + "\"components\":[{\"data\":{\"text\":\"one\"},\"data\":{\"x\":1}}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\","
                    + "\"components\":[{\"data\":{\"text\":\"one\"}},{\"data\":{\"text\":\"two\"}}]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"components\":[{},\"x\"]}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"components\":{\"data\":{}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":null}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":\"fast\"}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":[]}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"totalMs\":\"900\"}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"totalMs\":\"NaN\"}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"totalMs\":-5}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"totalMs\":9000000000000}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"totalMs\":1e400}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"totalMs\":0.1e1}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"totalMs\":true}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"totalMs\":1,\"totalMs\":null}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"asr\":{\"confidenceScore\":1.5}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"asr\":{\"provider\":7}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"asr\":null,\"bot\":null,\"tts\":null}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"asr\":5}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"bot\":{\"durationMs\":\"x\"}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"tts\":{\"streamingEnabled\":1}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"tts\":{\"streamingEnabled\":\"false\"}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"tts\":{\"streamingEnabled\":\" \"}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"tts\":{\"streamingEnabled\":\"yes\"}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"asr\":5,\"asr\":{}}}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"lang\":{},\"lang\":\"en\"}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"tts\":{\"utteranceLengthChars\":4.7}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"tts\":{\"utteranceLengthChars\":-1}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"tts\":{\"audioLengthMs\":-1}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"tts\":{\"firstByteMs\":700000}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"latency\":{\"tts\":[]}}",
            // Developer flags and invalid latency values in every shape: the streaming path reads them itself.
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":1}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":true}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":0}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":false}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":\"1\"}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":null}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":{\"x\":[1]}}",
            "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":1,\"isD\":0}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":1,"
                    + "\"latency\":{\"totalMs\":\"n/a\",\"asr\":{\"durationMs\":-120,\"confidenceScore\":0.5}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\","
                    + "\"latency\":{\"bot\":{\"durationMs\":\"slow\"},\"tts\":{\"durationMs\":{\"a\":[1]},\"provider\":\"x\"}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\","
                    + "\"latency\":{\"tts\":{\"durationMs\":1,\"utteranceLengthChars\":\"many\",\"audioLengthMs\":[],"
                    + "\"firstByteMs\":\"-5\"},\"asr\":{\"confidenceScore\":\"NaN\"}}}",
            "{\"_id\":\"a\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\","
                    + "\"latency\":{\"tts\":{\"utteranceLengthChars\":123456789012345678901234567890}}}");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] page(String records) {
        return bytes("{\"moreAvailable\":true,\"messages\":[" + records + "],\"total\":3}");
    }

    /** The outcome of one path: the page, or the exception's message and whether it is worth a retry. */
    private record Outcome(WirePage<Message> page, String error, boolean truncated) {
    }

    private static Outcome tree(byte[] body, boolean includeText) {
        try {
            return new Outcome(TreeMessagePage.read(body, "korevg", includeText), null, false);
        } catch (WireFormatException e) {
            return new Outcome(null, e.getMessage(), e.truncated());
        }
    }

    private static Outcome streamed(byte[] body, boolean includeText) {
        try {
            return new Outcome(WirePages.MESSAGES.read(body, "korevg", includeText), null, false);
        } catch (WireFormatException e) {
            return new Outcome(null, e.getMessage(), e.truncated());
        }
    }

    private static void sameAsTree(byte[] body) {
        for (boolean includeText : new boolean[] {false, true}) {
            assertEquals(tree(body, includeText), streamed(body, includeText),
                    () -> "includeText=" + includeText + " body " + new String(body, StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsARealisticPageLikeTheTreePath() throws Exception {
        WirePage<Message> page = WirePages.MESSAGES.read(page(INCOMING + "," + TURN), "korevg", true);

        assertTrue(page.more());
        assertEquals(2, page.page().received());
        Message turn = page.page().records().get(1);
        assertEquals(Direction.OUTGOING, turn.direction());
        assertEquals("ivrVoice", turn.channel());
        assertEquals(Instant.parse("2026-03-28T12:18:23.438Z"), turn.createdOn());
        assertEquals(310.5, turn.latency().asr().durationMs());
        assertEquals(42L, turn.latency().tts().characters());
        assertEquals("Your order ships today", turn.text());
        assertEquals("korevg", page.page().records().get(0).channel(), "channels[0].type when no chnl");
        assertEquals("5371b61d-b1bb-4432-80de-7430772b0cfb", page.page().records().get(0).traceId());
        assertNull(turn.traceId());
        assertNull(WirePages.MESSAGES.read(page(TURN), "korevg", false).page().records().getFirst().text());
        sameAsTree(page(INCOMING + "," + TURN));
    }

    @Test
    void everyRecordShapeIsMappedOrRejectedAsTheTreePathDoes() {
        for (String record : RECORDS) {
            sameAsTree(page(record));
            sameAsTree(page(record + "," + TURN));
        }
        sameAsTree(page(String.join(",", RECORDS)));
    }

    @Test
    void rejectionsKeepTheirReasons() throws Exception {
        var page = WirePages.MESSAGES.read(page(String.join(",",
                "{\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:23.438Z\"}",
                "{\"_id\":\"x\",\"type\":\"incoming\",\"createdOn\":\"yesterday\"}",
                "{\"_id\":\"x\",\"type\":\"incoming\",\"timestampValue\":\"yesterday\"}",
                "[1]",
                "{\"_id\":\"x\",\"type\":\"sideways\",\"createdOn\":\"2026-03-28T12:18:23.438Z\"}",
                TURN)), "korevg", false).page();

        assertEquals(List.of(new Rejection(RecordKind.MESSAGE, RejectionReason.MISSING_ID), new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TIME),
                new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE), new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE),
                new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_VALUE)), page.rejections());
        assertEquals(1, page.records().size());
        assertEquals(6, page.received());
    }

    @Test
    void developerFlagsAndDroppedLatencyValuesAreReadByTheStreamingPathItself() throws Exception {
        var page = WirePages.MESSAGES.read(page(String.join(",",
                "{\"_id\":\"a\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":1}",
                "{\"_id\":\"b\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":true}",
                "{\"_id\":\"c\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:22.204Z\",\"isD\":0}",
                "{\"_id\":\"d\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:22.204Z\","
                        + "\"latency\":{\"totalMs\":\"n/a\",\"bot\":{\"durationMs\":\"NaN\"},\"tts\":{\"durationMs\":5,"
                        + "\"firstByteMs\":-5}}}")), "korevg", false).page();
        List<Message> m = page.records();
        assertEquals(List.of(true, true, false, false), m.stream().map(Message::developer).toList());
        assertEquals(Set.of(LatencyField.TOTAL, LatencyField.BOT, LatencyField.TTS_FIRST_BYTE),
                m.get(3).droppedLatency());
        assertEquals(5.0, m.get(3).latency().tts().durationMs());
        assertEquals(List.of(), page.rejections());
    }

    @Test
    void bodyShapesAndFlagsAreReadAsTheTreePathDoes() {
        List<String> bodies = List.of(
                "{}", "{\"messages\":null}", "{\"messages\":[]}", "{\"messages\":{}}", "{\"messages\":\"x\"}",
                "{\"messages\":[" + TURN + "],\"messages\":[" + INCOMING + "]}",
                "{\"moreAvailable\":\"TRUE\",\"messages\":[" + TURN + "]}",
                "{\"moreAvailable\":1,\"messages\":[]}", "{\"moreAvailable\":null}",
                "{\"moreAvailable\":{\"a\":true}}", "{\"moreAvailable\":true,\"moreAvailable\":false}",
                "{\"invalidSessions\":[\"a\",1,null,{\"b\":2},\"c\"]}", "{\"invalidSessions\":{\"a\":\"x\"}}",
                "{\"invalidSessions\":\"a\"}",
                "[]", "[{\"messages\":[]}", "\"x\"", "null", "7", "   ", "\n\t",
                "{\"messages\":[]} trailing", "{\"messages\":[]}{", "{\"messages\":[" + TURN + "]}]",
                "{\"messages\":[" + TURN + ",]}", "{\"messages\":[" + TURN + "] \"x\":1}",
                "{\"messages\":[{\"_id\":\"a\",\"latency\":{\"totalMs\":1.}}]}",
                "{\"messages\":[{\"_id\":\"a\\q\"}]}", "{\"messages\":[{\"_id\":\"a\",\"x\":\"\\q\"}]}",
                "{\"messages\":[{\"_id\":\"a\",\"x\":\"\u0001\"}]}", "{\"messages\":[{\"_id\":\"a\",\"x\":01}]}",
                "{\"messages\":[{\"_id\":\"a\",\"type\":5,\"x\":tru}]}", "{\"a\":NaN}");
        for (String body : bodies) {
            sameAsTree(bytes(body));
        }
        assertThrows(WireFormatException.class, () -> WirePages.MESSAGES.read(new byte[0], "korevg", false));
    }

    @Test
    void aBodyCutAnywhereFailsAsTheTreePathDoes() {
        byte[] full = page(INCOMING + "," + TURN + ",{\"_id\":7}," + TURN);
        int truncated = 0;
        for (int length = 0; length < full.length; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            sameAsTree(cut);
            truncated += streamed(cut, false).truncated() ? 1 : 0;
        }
        // Most cuts are retried; a cut inside a literal (tr|ue) is malformed JSON to
        // Jackson on both paths.
        assertTrue(truncated > full.length * 3 / 4, "truncated " + truncated + " of " + full.length);
    }

    @Test
    void randomlyDamagedBodiesAreReadAsTheTreePathReadsThem() {
        byte[] full = page(String.join(",", INCOMING, TURN, RECORDS.get(20), TURN, RECORDS.get(60)));
        byte[] alphabet = bytes("{}[]:,\"\\ 0123456789.eE-+truefalsnl_idxyz");
        Random random = new Random(42);
        for (int i = 0; i < 3_000; i++) {
            byte[] damaged = full.clone();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                damaged[random.nextInt(damaged.length)] = alphabet[random.nextInt(alphabet.length)];
            }
            sameAsTree(damaged);
        }
    }

    @Test
    void wireTimeMatchesInstantParse() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(List.of("2026-03-28T12:18:23.438Z", "0000-01-01T00:00:00.000Z",
                "9999-12-31T23:59:59.999Z", "2100-02-29T00:00:00.000Z", "2000-02-29T00:00:00.000Z",
                "2026-04-31T00:00:00.000Z", "2026-00-10T00:00:00.000Z", "2026-03-28T12:18:23.438z",
                "2026-03-28 12:18:23.438Z", "2026-03-28T12:18:23,438Z", "2026-03-28T12:18:23.43Z",
                "2026-03-28T23:59:60.000Z", "2026-03-28T24:00:00.000Z", "-026-03-28T12:18:23.438Z",
                "2026-03-28T12:18:23.438Z ", "\t2026-03-28T12:18:23.438Z", "", "Z"));
        for (int i = 0; i < 2_000; i++) {
            long ms = random.nextLong(-62_000_000_000_000L, 253_000_000_000_000L);
            texts.add(Instant.ofEpochMilli(ms).toString());
            texts.add(WireWriterFormat.format(ms));
        }
        for (String text : texts) {
            Instant expected;
            try {
                expected = Instant.parse(text.strip());
            } catch (DateTimeException e) {
                expected = null;
            }
            assertEquals(expected, WireTime.parse(text), text);
        }
        assertFalse(texts.isEmpty());
    }

    /** Kore.ai's (and the simulator's) own format: always three fraction digits. */
    private static final class WireWriterFormat {
        private static final DateTimeFormatter F = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(ZoneOffset.UTC);

        static String format(long ms) {
            return F.format(Instant.ofEpochMilli(ms));
        }
    }
}
