package dev.koreexporter.kore.dto;

import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.LatencyField;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;
import dev.koreexporter.model.Session;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WirePagesTest {
    private static final String GOOD_TURN = """
            {"_id":"ms-2","type":"outgoing","createdOn":"2026-03-28T12:18:23.438Z","sessionId":"s1",
             "chnl":"ivrVoice","lang":"de","createdBy":"u-secret-user","tags":{"userTags":[{"value":"+155501"}]},
             "components":[{"cT":"text","data":{"text":"Your order ships today"}}],
             "latency":{"totalMs":1234,"asr":{"durationMs":310,"provider":"google","confidenceScore":0.94},
                        "bot":{"durationMs":680},
                        "tts":{"durationMs":244,"provider":"azure","utteranceLengthChars":42,"audioLengthMs":2100,
                               "streamingEnabled":true,"firstByteMs":85},
                        "somethingNew":{"x":1}}}""";

    private static WirePage<Message> messages(String records, boolean includeText) throws Exception {
        String body = "{\"moreAvailable\":true,\"messages\":[" + records + "]}";
        return WirePages.MESSAGES.read(body.getBytes(StandardCharsets.UTF_8), "korevg", includeText);
    }

    private static Rejection rejectionOf(String record) throws Exception {
        var page = messages(record + "," + GOOD_TURN, false);
        assertEquals(1, page.page().records().size(), "the good record survives");
        assertEquals(2, page.page().received());
        return page.page().rejections().getFirst();
    }

    @Test
    void turnIsMappedWithEveryLatencySegmentAndNoText() throws Exception {
        var page = messages(GOOD_TURN, false);
        Message m = page.page().records().getFirst();

        assertTrue(page.more());
        assertEquals("ms-2", m.id());
        assertEquals(Direction.OUTGOING, m.direction());
        assertEquals("ivrVoice", m.channel());
        assertEquals("de", m.language());
        assertEquals(Instant.parse("2026-03-28T12:18:23.438Z"), m.createdOn());
        assertEquals(1234.0, m.latency().totalMs());
        assertEquals("google", m.latency().asr().provider());
        assertEquals(0.94, m.latency().asr().confidence());
        assertEquals(680.0, m.latency().bot().durationMs());
        assertEquals(42L, m.latency().tts().characters());
        assertEquals(true, m.latency().tts().streaming());
        assertEquals(85.0, m.latency().tts().firstByteMs());
        assertNull(m.text());
        assertFalse(m.toString().contains("u-secret-user"));
        assertFalse(m.toString().contains("+155501"));
        assertTrue(m.isTurn());
    }

    @Test
    void textOnlyWhenAskedFor() throws Exception {
        assertEquals("Your order ships today", messages(GOOD_TURN, true).page().records().getFirst().text());
    }

    @Test
    void absentSegmentsStayNullAndChannelFallsBack() throws Exception {
        var m = messages("""
                {"_id":"a","type":"outgoing","createdOn":"2026-03-28T12:18:23.438Z","channels":[{"type":"korevg"}],
                 "latency":{"totalMs":900,"bot":{"durationMs":700}}},
                {"_id":"b","type":"incoming","timestampValue":1774973902204}""", false).page().records();

        assertNull(m.get(0).latency().asr());
        assertNull(m.get(0).latency().tts());
        assertEquals("korevg", m.get(0).channel());
        assertEquals("korevg", m.get(1).channel(), "requested channelType");
        assertNull(m.get(1).latency());
        assertEquals(Instant.ofEpochMilli(1774973902204L), m.get(1).createdOn());
    }

    @Test
    void eachBadRecordIsRejectedWithItsReasonAndTheRestKept() throws Exception {
        assertEquals(new Rejection(RecordKind.MESSAGE, RejectionReason.MISSING_ID),
                rejectionOf("{\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:23.438Z\"}"));
        assertEquals(new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TIME),
                rejectionOf("{\"_id\":\"x\",\"type\":\"incoming\",\"createdOn\":\"yesterday\"}"));
        assertEquals(new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TIME), rejectionOf("{\"_id\":\"x\",\"type\":\"incoming\"}"));
        assertEquals(new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE), rejectionOf(
                "{\"_id\":\"x\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:23.438Z\",\"latency\":\"fast\"}"));
        assertEquals(new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE), rejectionOf("[1,2]"));
        assertEquals(new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_VALUE), rejectionOf(
                "{\"_id\":\"x\",\"type\":\"sideways\",\"createdOn\":\"2026-03-28T12:18:23.438Z\"}"));
    }

    /** One turn whose latency object is {@code latency}. */
    private static Message turnWith(String latency) throws Exception {
        var page = messages("{\"_id\":\"x\",\"type\":\"outgoing\",\"createdOn\":\"2026-03-28T12:18:23.438Z\","
                + "\"latency\":" + latency + "}", false);
        assertEquals(List.of(), page.page().rejections(), "an invalid latency value never rejects its message");
        return page.page().records().getFirst();
    }

    private static final String ASR = "\"asr\":{\"durationMs\":310,\"provider\":\"google\",\"confidenceScore\":0.9}";
    private static final String BOT = "\"bot\":{\"durationMs\":680}";

    @Test
    void anInvalidDurationDropsItsSegmentWholeAndNothingElse() throws Exception {
        for (String bad : List.of("-1", "\"NaN\"", "\"slow\"", "600001", "true", "{}", "[1]")) {
            Message m = turnWith("{\"totalMs\":1234," + ASR + ",\"bot\":{\"durationMs\":" + bad + "},"
                    + "\"tts\":{\"durationMs\":244,\"provider\":\"azure\",\"utteranceLengthChars\":42}}");
            assertNull(m.latency().bot(), bad);
            assertEquals(Set.of(LatencyField.BOT), m.droppedLatency(), bad);
            assertEquals(1234.0, m.latency().totalMs());
            assertEquals(0.9, m.latency().asr().confidence());
            assertEquals(42L, m.latency().tts().characters());
            assertTrue(m.tracedTurn());
        }
        Message asr = turnWith("{\"totalMs\":1234,\"asr\":{\"durationMs\":-120,\"provider\":\"google\","
                + "\"confidenceScore\":1.5}," + BOT + "}");
        assertNull(asr.latency().asr(), "the segment goes with all its fields");
        assertEquals(Set.of(LatencyField.ASR), asr.droppedLatency());
        Message tts = turnWith("{\"totalMs\":1234," + BOT + ",\"tts\":{\"durationMs\":600000.5,\"provider\":\"azure\"}}");
        assertNull(tts.latency().tts());
        assertEquals(680.0, tts.latency().bot().durationMs());
        Message edge = turnWith("{\"totalMs\":600000," + BOT + ",\"tts\":{\"durationMs\":0}}");
        assertEquals(Set.of(), edge.droppedLatency(), "0 and exactly 10 minutes are valid");
    }

    @Test
    void anInvalidOtherValueDropsOnlyItself() throws Exception {
        Message m = turnWith("{\"totalMs\":1234,\"asr\":{\"durationMs\":310,\"provider\":\"google\","
                + "\"confidenceScore\":1.01}," + BOT + ",\"tts\":{\"durationMs\":244,\"provider\":\"azure\","
                + "\"utteranceLengthChars\":-3,\"audioLengthMs\":\"long\",\"streamingEnabled\":true,\"firstByteMs\":-5}}");
        assertEquals(Set.of(LatencyField.ASR_CONFIDENCE, LatencyField.TTS_CHARACTERS, LatencyField.TTS_AUDIO_LENGTH,
                LatencyField.TTS_FIRST_BYTE), m.droppedLatency());
        assertEquals(new Latency(1234.0, new Latency.Asr(310.0, "google", null), new Latency.BotSegment(680.0),
                new Latency.Tts(244.0, "azure", null, null, true, null)), m.latency());
        assertEquals(Set.of(LatencyField.ASR_CONFIDENCE), turnWith("{\"asr\":{\"confidenceScore\":-0.1}}")
                .droppedLatency());
        assertEquals(0.0, turnWith("{\"asr\":{\"confidenceScore\":0}}").latency().asr().confidence());
    }

    @Test
    void anInvalidTotalLeavesTheSegmentsAndNoSpan() throws Exception {
        for (String bad : List.of("-1", "\"n/a\"", "\"NaN\"", "9000000000000", "1e400", "false")) {
            Message m = turnWith("{\"totalMs\":" + bad + "," + ASR + "," + BOT + "}");
            assertNull(m.latency().totalMs(), bad);
            assertEquals(Set.of(LatencyField.TOTAL), m.droppedLatency(), bad);
            assertEquals(310.0, m.latency().asr().durationMs());
            assertTrue(m.isTurn());
            assertFalse(m.tracedTurn(), "no span without a valid totalMs");
        }
        Message absent = turnWith("{" + BOT + "}");
        assertTrue(absent.tracedTurn(), "an absent totalMs is no invalid one");
        assertEquals(Set.of(), absent.droppedLatency());
        assertEquals(900.0, turnWith("{\"totalMs\":\"900\"}").latency().totalMs(), "a number in a string, as 0.2.0 read it");
    }

    @Test
    void isDMarksDeveloperTrafficInEveryShapeKoreSends() throws Exception {
        for (String v : List.of("1", "true", "\"1\"", "\"true\"", "2")) {
            assertTrue(incomingWith(",\"isD\":" + v).developer(), v);
        }
        for (String v : List.of("0", "false", "null", "\"0\"", "\"no\"", "{}", "[1]")) {
            assertFalse(incomingWith(",\"isD\":" + v).developer(), v);
        }
        assertFalse(incomingWith("").developer(), "without the field: production traffic");
    }

    private static Message incomingWith(String extra) throws Exception {
        return messages("{\"_id\":\"x\",\"type\":\"incoming\",\"createdOn\":\"2026-03-28T12:18:23.438Z\"" + extra + "}",
                false).page().records().getFirst();
    }

    @Test
    void isDeveloperMarksDeveloperSessionsInEveryShapeKoreSends() throws Exception {
        String start = "{\"sessionId\":\"s\",\"start_time\":\"2026-11-21T11:27:25.977Z\"";
        for (String v : List.of("1", "true", "\"true\"")) {
            assertTrue(sessions(start + ",\"isDeveloper\":" + v + "}").page().records().getFirst().developer(), v);
        }
        for (String v : List.of("0", "false", "null", "{\"a\":1}")) {
            assertFalse(sessions(start + ",\"isDeveloper\":" + v + "}").page().records().getFirst().developer(), v);
        }
        assertFalse(sessions(start + "}").page().records().getFirst().developer());
    }

    @Test
    void aSessionEndingBeforeItStartedOrImplausiblyLateIsMarkedNotDropped() throws Exception {
        String closed = "{\"sessionId\":\"s\",\"start_time\":\"2026-11-21T11:27:25.977Z\",\"sessionStatus\":\"closed\","
                + "\"containmentType\":\"selfService\",\"end_time\":";
        assertFalse(sessions(closed + "\"2026-11-21T11:27:25.977Z\"}").page().records().getFirst().badTimes());
        assertFalse(sessions(closed + "\"2026-11-28T11:27:25.977Z\"}").page().records().getFirst().badTimes());
        for (String end : List.of("2026-11-21T11:27:25.976Z", "2026-11-28T11:27:25.978Z", "+999999999-12-31T23:59:59Z",
                "2100-01-01T00:00:00.000Z")) {
            var page = sessions(closed + "\"" + end + "\"}").page();
            assertEquals(List.of(), page.rejections(), "rejected by id, once, by the counter: " + end);
            assertTrue(page.records().getFirst().badTimes(), end);
        }
        var farStart = sessions("{\"sessionId\":\"s\",\"start_time\":\"+999999999-01-01T00:00:00Z\"}").page();
        assertTrue(farStart.records().getFirst().badTimes());
    }

    private static WirePage<Session> sessions(String records) throws Exception {
        String body = "{\"moreAvailable\":false,\"sessions\":[" + records + "],\"invalidSessions\":[\"nope\"]}";
        return WirePages.SESSIONS.read(body.getBytes(StandardCharsets.UTF_8), null, false);
    }

    @Test
    void sessionsMapStatusContainmentAndRejections() throws Exception {
        var page = sessions("""
                {"sessionId":"closed","channel":"korevg","userId":"u-1","start_time":"2026-11-21T11:27:25.977Z",
                 "end_time":"2026-11-21T11:29:26.145Z","session_lang":["en"],"sessionType":"interactive",
                 "containmentType":"selfService","sessionStatus":"closed","noOfMessagesExchanged":6},
                {"sessionId":"active1","start_time":"2026-11-21T11:27:25.977Z","sessionStatus":"active"},
                {"sessionId":"active2","start_time":"2026-11-21T11:27:25.977Z"},
                {"start_time":"2026-11-21T11:27:25.977Z"},
                {"sessionId":"t","start_time":"soon"},
                {"sessionId":"n","start_time":"2026-11-21T11:27:25.977Z","noOfMessagesExchanged":"many"}""");

        List<Session> s = page.page().records();
        assertEquals(List.of("closed", "active1", "active2"), s.stream().map(Session::id).toList());
        assertTrue(s.get(0).closed());
        assertEquals(Containment.SELF_SERVICE, s.get(0).containment());
        assertEquals(6, s.get(0).messages());
        assertEquals(List.of("en"), s.get(0).languages());
        assertEquals(Instant.parse("2026-11-21T11:29:26.145Z"), s.get(0).end());
        assertTrue(s.get(1).active() && s.get(2).active());
        assertFalse(s.get(0).toString().contains("u-1"));
        assertEquals(List.of(new Rejection(RecordKind.SESSION, RejectionReason.MISSING_ID), new Rejection(RecordKind.SESSION, RejectionReason.BAD_TIME),
                new Rejection(RecordKind.SESSION, RejectionReason.BAD_TYPE)), page.page().rejections());
        assertEquals(6, page.page().received());
        assertEquals(List.of("nope"), page.page().unknownIds());
        assertFalse(page.more());
    }

    @Test
    void conversationsMapAndRejectWithoutStartTime() throws Exception {
        String body = """
                {"hasMore":true,"results":[
                 {"_id":"c1","channelType":"voice","experience":"chat","startTime":"2025-10-13T12:12:56.561Z","aaUserId":"u"},
                 {"_id":"c2","channelType":"voice"}]}""";
        var page = WirePages.CONVERSATIONS.read(body.getBytes(StandardCharsets.UTF_8), null, false);
        assertTrue(page.more());
        assertEquals("chat", page.page().records().getFirst().experience());
        assertEquals(List.of(new Rejection(RecordKind.CONVERSATION, RejectionReason.BAD_TIME)), page.page().rejections());
    }

    @Test
    void errorMessageIsReadFromKoresErrorBody() {
        assertEquals("Invalid token", WireJson.errorMessage(
                "{\"errors\":[{\"msg\":\"Invalid\\n token\",\"code\":401}]}".getBytes(StandardCharsets.UTF_8)).orElseThrow());
        assertTrue(WireJson.errorMessage("<html>".getBytes(StandardCharsets.UTF_8)).isEmpty());
    }
}
