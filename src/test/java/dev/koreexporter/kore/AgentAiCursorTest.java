package dev.koreexporter.kore;

import dev.koreexporter.kore.WindowSplitter.DayRange;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Page;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where an Agent AI read may start: pages of 20, oldest first, late records inserted in the middle. */
class AgentAiCursorTest {
    private static final LocalDate DAY = LocalDate.parse("2026-03-02");
    private static final DayRange RANGE = new DayRange(DAY, DAY);
    private static final Instant MIDNIGHT = Instant.parse("2026-03-02T00:00:00Z");

    private static Page<AgentAiConversation> page(int... minutes) {
        List<AgentAiConversation> records = new ArrayList<>();
        for (int m : minutes) {
            records.add(new AgentAiConversation("c" + m + "-" + records.size(), "voice", "voice", MIDNIGHT.plusSeconds(60L * m)));
        }
        return new Page<>(records, List.of(), records.size(), List.of());
    }

    private static int[] minutes(int from, int to) {
        int[] m = new int[to - from];
        for (int i = 0; i < m.length; i++) {
            m[i] = from + i;
        }
        return m;
    }

    @Test
    void lateRecordsPushingRecordsOnToTheNextPageKeepPagesSkipped() {
        AgentAiCursor cursor = new AgentAiCursor("bot", Endpoint.AACONVERSATION);
        cursor.observe(RANGE, 1, page(minutes(0, 20)), true);
        cursor.observe(RANGE, 2, page(minutes(20, 30)), false);
        Instant from = MIDNIGHT.plusSeconds(60 * 25);
        assertEquals(2, cursor.firstPage(RANGE, from), "page 1 holds only records older than the window");

        // Two late records (minute 3) have landed since: page 2 now starts with minutes 18 and 19, older than the
        // last record page 1 had when it was read. That is not disorder: the next reads still skip page 1.
        int[] shifted = new int[22];
        shifted[0] = 18;
        shifted[1] = 19;
        System.arraycopy(minutes(20, 40), 0, shifted, 2, 20);
        cursor.observe(RANGE, 2, page(Arrays.copyOf(shifted, 20)), true);
        cursor.observe(RANGE, 3, page(38, 39), false);
        assertEquals(3, cursor.firstPage(RANGE, MIDNIGHT.plusSeconds(60 * 38)), "pages 1 and 2 skipped");
    }

    @Test
    void aPageOutOfStartTimeOrderStartsEveryReadAtPageOne() {
        AgentAiCursor cursor = new AgentAiCursor("bot", Endpoint.AACONVERSATION);
        cursor.observe(RANGE, 1, page(minutes(0, 20)), true);
        // Late records landed between the two requests: page 2 starts before page 1 ended. Still in order.
        cursor.observe(RANGE, 2, page(minutes(17, 37)), true);
        assertEquals(3, cursor.firstPage(RANGE, MIDNIGHT.plusSeconds(60 * 50)));

        cursor.observe(RANGE, 3, page(40, 39, 41), false);
        assertEquals(1, cursor.firstPage(RANGE, MIDNIGHT.plusSeconds(60 * 50)), "a page out of order: from page 1");
        cursor.observe(RANGE, 1, page(minutes(0, 20)), true);
        assertEquals(1, cursor.firstPage(RANGE, MIDNIGHT.plusSeconds(60 * 50)), "and from then on");
    }

    @Test
    void whatACursorLearntSurvivesARestartThroughTheCheckpointEntry() {
        AgentAiCursor cursor = new AgentAiCursor("bot", Endpoint.AACONVERSATION);
        cursor.observe(RANGE, 1, page(minutes(0, 20)), true);
        cursor.observe(RANGE, 2, page(minutes(20, 40)), true);
        cursor.observe(RANGE, 3, page(40, 41), false);
        Instant from = MIDNIGHT.plusSeconds(60 * 41);

        AgentAiCursor restarted = new AgentAiCursor("bot", Endpoint.AACONVERSATION);
        assertEquals(1, restarted.firstPage(RANGE, from), "a new cursor knows nothing");
        restarted.restore("aaconversation|", cursor.snapshot("aaconversation|"));
        assertEquals(cursor.firstPage(RANGE, from), restarted.firstPage(RANGE, from));
        assertEquals(3, restarted.firstPage(RANGE, from), "pages 1 and 2 skipped after the restart too");

        cursor.observe(RANGE, 3, page(45, 44), false);
        AgentAiCursor afterDisorder = new AgentAiCursor("bot", Endpoint.AACONVERSATION);
        afterDisorder.restore("aaconversation|", cursor.snapshot("aaconversation|"));
        afterDisorder.observe(RANGE, 1, page(minutes(0, 20)), true);
        assertEquals(1, afterDisorder.firstPage(RANGE, from), "a listing seen out of order stays read from page 1");
    }
}
