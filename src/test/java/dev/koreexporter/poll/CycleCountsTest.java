package dev.koreexporter.poll;

import dev.koreexporter.model.RecordKind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The cycle's log line: the kinds it words, and any other kind by its label. */
class CycleCountsTest {
    @Test
    void namesTheKnownKindsAndAnyOtherByItsLabel() {
        CycleCounts counts = new CycleCounts();
        counts.counted(RecordKind.MESSAGE);
        counts.counted(RecordKind.MESSAGE);
        counts.counted(RecordKind.SESSION);
        counts.counted(RecordKind.SEGMENT);
        counts.turns = 1;
        counts.duplicates = 3;
        assertEquals("2 messages (1 turns), 1 sessions closed, 0 conversations, 1 segment, 3 duplicates dropped",
                counts.toString());
        counts.excluded = 2;
        assertEquals("2 messages (1 turns), 1 sessions closed, 0 conversations, 1 segment, 3 duplicates dropped, 2"
                + " developer records excluded", counts.toString());
    }
}
