package dev.koreexporter.kore;

import dev.koreexporter.kore.WindowSplitter.DayRange;
import dev.koreexporter.model.AgentAiConversation;
import dev.koreexporter.model.Page;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Where to start paging an Agent AI date range. The API takes whole UTC days only, at 20 a page, so re-reading
 * the day from page 1 every cycle costs more requests as the day fills (hundreds by evening). Its records come
 * oldest first (the docs' sample), so the records older than the poller's window are a prefix of the listing
 * that can only grow: a page made only of them stays made of them, and the next read may start after it.
 * If a listing is ever seen out of order, every read starts at page 1 again (the safe, costly way).
 */
final class AgentAiCursor {
    private static final Logger LOG = Logger.getLogger(AgentAiCursor.class.getName());

    private final String botName;
    private final Map<DayRange, Integer> firstPage = new HashMap<>();
    private boolean ordered = true;
    /** State of the read in progress: the range, how many leading pages are wholly older, the last start time. */
    private DayRange reading;
    private int olderPages;
    private boolean olderSoFar;
    private Instant last;

    AgentAiCursor(String botName) {
        this.botName = botName;
    }

    /** Page to start {@code range} at. */
    int firstPage(DayRange range) {
        return ordered ? firstPage.getOrDefault(range, 1) : 1;
    }

    /**
     * Looks at one page of {@code range} read for a window starting at {@code from}; when the range's last page
     * has been read, remembers where the next read may start.
     */
    void observe(DayRange range, int page, Page<AgentAiConversation> records, boolean more, Instant from) {
        if (page == firstPage(range) || !range.equals(reading)) {
            reading = range;
            olderPages = page - 1;
            olderSoFar = true;
            last = null;
        }
        boolean allOlder = more && records.rejections().isEmpty();
        for (AgentAiConversation c : records.records()) {
            if (last != null && c.startTime().isBefore(last) && ordered) {
                ordered = false;
                firstPage.clear();
                LOG.info(() -> "bot=" + botName + " endpoint=aaconversation returned records out of start-time order:"
                        + " reading every day from page 1 from now on");
            }
            last = c.startTime();
            allOlder &= c.startTime().isBefore(from);
        }
        olderSoFar &= allOlder;
        if (olderSoFar) {
            olderPages = page;
        }
        if (!more) {
            firstPage.keySet().removeIf(r -> r.to().isBefore(range.from()));
            if (ordered) {
                firstPage.put(range, olderPages + 1);
            }
            reading = null;
        }
    }
}
