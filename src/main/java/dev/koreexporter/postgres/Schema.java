package dev.koreexporter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;

/**
 * The exporter's tables, created when missing (README "Running several replicas"), and their version: one row in
 * {@code kore_exporter_schema}. A database whose version is newer than this release's is refused: an older release
 * must not write rows it may misread.
 *
 * <ul>
 *   <li>{@code kore_exporter_replicas}: one row per replica, {@code alive_until} renewed with its leases; the live
 *   replicas are those whose time has not passed by the database's clock.</li>
 *   <li>{@code kore_exporter_bots}: one row per bot name: its lease ({@code owner}, fencing {@code token}, raised at
 *   every acquisition, {@code lease_until}) and its checkpoint, the file store's JSON bytes (TOAST compresses them).</li>
 *   <li>{@code kore_exporter_requests}: one narrow row per request sent to Kore.ai for a bot, kept an hour
 *   ({@link PostgresRequestLog}).</li>
 * </ul>
 */
final class Schema {
    /** The version this release writes and reads. */
    static final int VERSION = 1;
    /** Any constant: replicas starting together create the tables one after the other. */
    private static final long CREATION_LOCK = 0x6b6f7265L;

    /** The database's schema is newer than this release's. */
    static final class TooNew extends SQLException {
        TooNew(int found) {
            super("the database holds the kore-exporter schema version " + found + ", newer than this release's ("
                    + VERSION + "): run the release that created it, or a newer one, or use another database");
        }
    }

    private Schema() {
    }

    /** Creates what is missing, checks the version and adds a row for each bot lacking one, in one transaction. */
    static void prepare(Database db, Collection<String> bots) throws SQLException {
        db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + CREATION_LOCK + ")");
                s.execute("CREATE TABLE IF NOT EXISTS kore_exporter_schema ("
                        + " single boolean PRIMARY KEY DEFAULT true CHECK (single), version integer NOT NULL)");
                s.execute("INSERT INTO kore_exporter_schema (version) VALUES (" + VERSION + ") ON CONFLICT DO NOTHING");
                int found = version(c);
                if (found > VERSION) {
                    throw new TooNew(found);
                }
                s.execute("CREATE TABLE IF NOT EXISTS kore_exporter_replicas ("
                        + " id text PRIMARY KEY, alive_until timestamptz NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS kore_exporter_bots ("
                        + " bot text PRIMARY KEY, owner text, token bigint NOT NULL DEFAULT 0, lease_until timestamptz,"
                        + " checkpoint bytea, written_at timestamptz)");
                s.execute("CREATE TABLE IF NOT EXISTS kore_exporter_requests ("
                        + " id bigserial NOT NULL, bot text NOT NULL, replica text NOT NULL, sent_at bigint NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS kore_exporter_requests_bot ON kore_exporter_requests (bot, id)");
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO kore_exporter_bots (bot) SELECT unnest(?::text[]) ON CONFLICT DO NOTHING")) {
                p.setArray(1, c.createArrayOf("text", bots.toArray()));
                p.executeUpdate();
            }
            return null;
        });
    }

    static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT version FROM kore_exporter_schema")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }
}
