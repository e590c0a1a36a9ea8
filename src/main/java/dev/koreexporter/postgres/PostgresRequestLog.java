package dev.koreexporter.postgres;

import dev.koreexporter.kore.RequestLog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * A bot's {@link RequestLog} in {@code kore_exporter_requests} (README "Running several replicas"): one narrow row per
 * request, inserted before it is sent, so the replica that takes the bot over next paces by what the previous one
 * really sent: Kore.ai's 60/min and 1,800/h are per bot, whichever replica asks. A replica reads the other replicas'
 * rows when it first sends for the bot and again each time it holds the bot under a new lease token (a takeover),
 * past the last row it read. Rows older than an hour (and a minute) are deleted by the replica that sends for the
 * bot. A write that fails is logged once per failure streak, kept, and written with the next one; it never holds a
 * request back, and none is tried for a few seconds after a failure, so a database that is down delays no request.
 */
final class PostgresRequestLog implements RequestLog {
    private static final Logger LOG = Logger.getLogger(PostgresRequestLog.class.getName());
    private static final long KEEP_MILLIS = Duration.ofHours(1).plusMinutes(1).toMillis();
    private static final long PRUNE_EVERY_MILLIS = Duration.ofMinutes(5).toMillis();
    private static final long RETRY_AFTER_MILLIS = Duration.ofSeconds(5).toMillis();
    /** Unwritten entries kept at most (more than an hour holds at any rate Kore.ai allows). */
    private static final int MAX_PENDING = 4_096;

    private final Database db;
    private final String bot;
    private final String replica;
    private final LeaseBook book;
    private final Clock clock;
    private final List<Long> pending = new ArrayList<>();
    private long lastRow;
    private long readUnder = -1;
    private long prunedAt;
    private long failedAt;
    private boolean failing;

    PostgresRequestLog(Database db, String bot, String replica, LeaseBook book, Clock clock) {
        this.db = db;
        this.bot = bot;
        this.replica = replica;
        this.book = book;
        this.clock = clock;
    }

    /** Every replica's requests for the bot in the last hour (a restart is another replica). */
    @Override
    public synchronized List<Long> recent() {
        readUnder = book.token(bot).orElse(-1);
        return read(false);
    }

    @Override
    public synchronized List<Long> elsewhere() {
        OptionalLong token = book.token(bot);
        if (token.isEmpty() || token.getAsLong() == readUnder) {
            return List.of();
        }
        readUnder = token.getAsLong();
        return read(true);
    }

    @Override
    public synchronized void sent(long epochMillis) {
        if (pending.size() == MAX_PENDING) {
            pending.removeFirst();
        }
        pending.add(epochMillis);
        if (failing && epochMillis - failedAt < RETRY_AFTER_MILLIS) {
            return;
        }
        boolean prune = epochMillis - prunedAt >= PRUNE_EVERY_MILLIS;
        try {
            db.transaction(c -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO kore_exporter_requests (bot, replica, sent_at)"
                        + " SELECT ?, ?, unnest(?::bigint[])")) {
                    p.setString(1, bot);
                    p.setString(2, replica);
                    p.setArray(3, c.createArrayOf("bigint", pending.toArray()));
                    p.executeUpdate();
                }
                if (prune) {
                    try (PreparedStatement p = c.prepareStatement(
                            "DELETE FROM kore_exporter_requests WHERE bot = ? AND sent_at < ?")) {
                        p.setString(1, bot);
                        p.setLong(2, epochMillis - KEEP_MILLIS);
                        p.executeUpdate();
                    }
                }
                return null;
            });
            pending.clear();
            if (prune) {
                prunedAt = epochMillis;
            }
            if (failing) {
                failing = false;
                LOG.info("bot=" + bot + " request log written to the state store again");
            }
        } catch (SQLException e) {
            failedAt = epochMillis;
            if (!failing) {
                failing = true;
                LOG.warning("bot=" + bot + " cannot write its request log to the state store (" + e.getMessage()
                        + "): kept here and written once it can; a replica taking the bot over meanwhile may pace its"
                        + " first requests as if these had not been sent");
            }
        }
    }

    /** Rows past the last one read (only other replicas' when {@code othersOnly}), sent in the last hour, oldest first. */
    private List<Long> read(boolean othersOnly) {
        List<Long> out = new ArrayList<>();
        try {
            lastRow = db.run(c -> {
                long last = lastRow;
                try (PreparedStatement p = c.prepareStatement("SELECT id, sent_at FROM kore_exporter_requests"
                        + " WHERE bot = ? AND id > ? AND sent_at >= ? AND (NOT ? OR replica <> ?) ORDER BY sent_at")) {
                    p.setString(1, bot);
                    p.setLong(2, lastRow);
                    p.setLong(3, clock.millis() - KEEP_MILLIS);
                    p.setBoolean(4, othersOnly);
                    p.setString(5, replica);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            last = Math.max(last, r.getLong(1));
                            out.add(r.getLong(2));
                        }
                    }
                }
                return last;
            });
        } catch (SQLException e) {
            LOG.warning("bot=" + bot + " cannot read its request log from the state store (" + e.getMessage()
                    + "): its first requests are paced as if no other replica had sent any");
            return List.of();
        }
        return out;
    }
}
