package dev.koreexporter.kore;

import dev.koreexporter.kore.WindowSplitter.DayRange;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.Page;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Where to start paging an Agent AI date range. The API takes whole UTC days only, at 20 a page, so re-reading
 * the day from page 1 every cycle costs more requests as the day fills (hundreds by evening). Its records come
 * oldest first (the docs' sample) and records are never removed, so if page p was full and its last record
 * older than a window's start, at least p pages' worth of records older than that start still precede every
 * record of the window: a read for that window may begin at page p + 1. Late records change nothing here: they
 * only push records on to later pages (read again, not lost), which is why the order check between pages
 * compares their first records.
 * If a listing is ever seen out of order, every read starts at page 1 again (the safe, costly way).
 * Pages are remembered by the range's first day: a range that runs on past midnight lists the same records
 * first, so the same leading pages can be skipped. What is remembered goes into the bot's checkpoint
 * ({@link #snapshot}), so a restart does not read the day from page 1 again. Thread-safe: the checkpoint is written
 * from the shutdown thread too.
 */
final class AgentAiCursor {
    private static final Logger LOG = Logger.getLogger(AgentAiCursor.class.getName());
    private static final String UNORDERED = "unordered";

    private final String botName;
    private final Endpoint endpoint;
    /** Per first day of a range: start time of the last record of each full page read, page 1 first. */
    private final Map<LocalDate, List<Instant>> lastOfPage = new HashMap<>();
    private boolean ordered = true;
    /** The page observed last: its range's first day, its number and its first record's start time. */
    private LocalDate passDay;
    private int passPage;
    private Instant passFirst;

    AgentAiCursor(String botName, Endpoint endpoint) {
        this.botName = botName;
        this.endpoint = endpoint;
    }

    /** Page to start {@code range} at when only records from {@code from} on are wanted. */
    synchronized int firstPage(DayRange range, Instant from) {
        List<Instant> pages = lastOfPage.getOrDefault(range.from(), List.of());
        int older = 0;
        while (ordered && older < pages.size() && pages.get(older).isBefore(from)) {
            older++;
        }
        return older + 1;
    }

    /** Remembers one page of {@code range} as read. */
    synchronized void observe(DayRange range, int page, Page<? extends KoreRecord> read, boolean more) {
        // Records must be in start-time order within a page, and a page must not start before the page read just
        // before it started. Not before it ended: records landing late between two requests (a long sweep waits
        // for the rate limit) push that page's last records on to this one.
        Instant previous = range.from().equals(passDay) && page == passPage + 1 ? passFirst : null;
        passDay = range.from();
        passPage = page;
        passFirst = read.records().isEmpty() ? null : read.records().getFirst().time();
        for (KoreRecord c : read.records()) {
            if (previous != null && c.time().isBefore(previous) && ordered) {
                ordered = false;
                lastOfPage.clear();
                LOG.info(() -> "bot=" + botName + " endpoint=" + endpoint.label() + " returned records out of"
                        + " start-time order: reading every day from page 1 from now on");
            }
            previous = c.time();
        }
        if (!ordered) {
            return;
        }
        // The day before stays: a sweep shortly after midnight still starts in it.
        lastOfPage.keySet().removeIf(day -> day.isBefore(range.from().minusDays(1)));
        List<Instant> pages = lastOfPage.computeIfAbsent(range.from(), day -> new ArrayList<>());
        while (pages.size() >= page) {
            pages.removeLast();
        }
        // Only a full page keeps its records; a page with a rejected record has an unknown time in it.
        if (more && !read.records().isEmpty() && read.rejections().isEmpty() && pages.size() == page - 1) {
            pages.add(previous);
        }
    }

    /**
     * What is remembered, as the checkpoint keeps it: {@code <prefix><day>|<page>} to the start time (epoch millis)
     * of that full page's last record, or {@code <prefix>unordered} once the listing was seen out of order.
     */
    synchronized Map<String, Long> snapshot(String prefix) {
        Map<String, Long> out = new HashMap<>();
        if (!ordered) {
            out.put(prefix + UNORDERED, 1L);
        }
        lastOfPage.forEach((day, pages) -> {
            for (int i = 0; i < pages.size(); i++) {
                out.put(prefix + day + "|" + (i + 1), pages.get(i).toEpochMilli());
            }
        });
        return out;
    }

    /** Takes back the entries of {@link #snapshot} under {@code prefix}; a day's pages only while they follow on. */
    synchronized void restore(String prefix, Map<String, Long> entries) {
        if (entries.containsKey(prefix + UNORDERED)) {
            ordered = false;
            lastOfPage.clear();
            return;
        }
        Map<LocalDate, Map<Integer, Instant>> days = new HashMap<>();
        entries.forEach((key, millis) -> {
            if (!key.startsWith(prefix)) {
                return;
            }
            String[] dayAndPage = key.substring(prefix.length()).split("\\|");
            try {
                days.computeIfAbsent(LocalDate.parse(dayAndPage[0]), d -> new HashMap<>())
                        .put(Integer.parseInt(dayAndPage[1]), Instant.ofEpochMilli(millis));
            } catch (RuntimeException e) {
                LOG.fine(() -> "ignoring page hint " + key);
            }
        });
        days.forEach((day, pages) -> {
            List<Instant> list = new ArrayList<>();
            while (pages.containsKey(list.size() + 1)) {
                list.add(pages.get(list.size() + 1));
            }
            lastOfPage.put(day, list);
        });
    }
}
