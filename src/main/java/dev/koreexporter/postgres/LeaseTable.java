package dev.koreexporter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The statements on the lease and checkpoint rows ({@link Schema}). Every time is the database's ({@code now()}), so
 * replicas whose clocks disagree still agree on who holds a lease; a replica's own clock only ever shortens what it
 * believes it holds ({@link LeaseBook}).
 */
final class LeaseTable {
    /** A bot's row as a round saw it: its holder, and how long its lease has left by the database's clock. */
    record Row(String owner, long token, long remainingMillis) {
        boolean free() {
            return owner == null || remainingMillis <= 0;
        }
    }

    /**
     * What one round learnt: the leases it renewed (bot to token), the live replicas, every bot's row, and how long
     * until the first other replica's time runs out (its bots are placed anew then), {@code Long.MAX_VALUE} for none.
     */
    record Round(Map<String, Long> renewed, List<String> live, Map<String, Row> rows, long othersExpireMillis) {
    }

    private final String me;
    private final long leaseMillis;

    LeaseTable(String replica, Duration lease) {
        this.me = replica;
        this.leaseMillis = lease.toMillis();
    }

    /**
     * One transaction (so one {@code now()}): this replica is alive for a lease more, its leases in {@code held} (bot to
     * token) still valid are renewed for as long, and the live replicas and the bots' rows are read.
     */
    Round round(Database db, Map<String, Long> held, Collection<String> bots) throws SQLException {
        return db.transaction(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO kore_exporter_replicas (id, alive_until)"
                    + " VALUES (?, now() + ? * interval '1 millisecond')"
                    + " ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until")) {
                p.setString(1, me);
                p.setLong(2, leaseMillis);
                p.executeUpdate();
            }
            Map<String, Long> renewed = new HashMap<>();
            if (!held.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("UPDATE kore_exporter_bots b"
                        + " SET lease_until = now() + ? * interval '1 millisecond'"
                        + " FROM unnest(?::text[], ?::bigint[]) AS h (bot, token)"
                        + " WHERE b.bot = h.bot AND b.token = h.token AND b.owner = ? AND b.lease_until > now()"
                        + " RETURNING b.bot, b.token")) {
                    p.setLong(1, leaseMillis);
                    p.setArray(2, c.createArrayOf("text", held.keySet().toArray()));
                    p.setArray(3, c.createArrayOf("bigint", held.keySet().stream().map(held::get).toArray()));
                    p.setString(4, me);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            renewed.put(r.getString(1), r.getLong(2));
                        }
                    }
                }
            }
            List<String> live = new ArrayList<>();
            long othersExpire = Long.MAX_VALUE;
            try (PreparedStatement p = c.prepareStatement("SELECT id,"
                    + " floor(extract(epoch FROM alive_until - now()) * 1000)::bigint"
                    + " FROM kore_exporter_replicas WHERE alive_until > now() ORDER BY id");
                 ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    live.add(r.getString(1));
                    if (!r.getString(1).equals(me)) {
                        othersExpire = Math.min(othersExpire, r.getLong(2));
                    }
                }
            }
            Map<String, Row> rows = new HashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT bot, owner, token,"
                    + " coalesce(floor(extract(epoch FROM lease_until - now()) * 1000)::bigint, 0)"
                    + " FROM kore_exporter_bots WHERE bot = ANY(?::text[])")) {
                p.setArray(1, c.createArrayOf("text", bots.toArray()));
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        rows.put(r.getString(1), new Row(r.getString(2), r.getLong(3), r.getLong(4)));
                    }
                }
            }
            return new Round(renewed, live, rows, othersExpire);
        });
    }

    /**
     * Takes the bot's lease if nobody else holds a valid one: its new fencing token, or empty. A lease this replica
     * holds in the database but no longer here (it ran out by this replica's clock first) is taken again under a new
     * token, so that nothing written under the old one is accepted any more.
     */
    OptionalLong acquire(Database db, String bot) throws SQLException {
        return db.run(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE kore_exporter_bots"
                    + " SET owner = ?, token = token + 1, lease_until = now() + ? * interval '1 millisecond'"
                    + " WHERE bot = ? AND (owner IS NULL OR owner = ? OR lease_until IS NULL OR lease_until <= now())"
                    + " RETURNING token")) {
                p.setString(1, me);
                p.setLong(2, leaseMillis);
                p.setString(3, bot);
                p.setString(4, me);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    /** Gives the bot's lease up, if this replica still holds it under {@code token}. */
    void release(Database db, String bot, long token) throws SQLException {
        db.run(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE kore_exporter_bots SET owner = NULL, lease_until = NULL"
                    + " WHERE bot = ? AND owner = ? AND token = ?")) {
                p.setString(1, bot);
                p.setString(2, me);
                p.setLong(3, token);
                return p.executeUpdate();
            }
        });
    }

    /** This replica leaves: every lease it holds is given up and it is no longer live. */
    void leave(Database db) throws SQLException {
        db.transaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE kore_exporter_bots SET owner = NULL, lease_until = NULL WHERE owner = ?")) {
                p.setString(1, me);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM kore_exporter_replicas WHERE id = ?")) {
                p.setString(1, me);
                p.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The fenced write: the checkpoint is stored only if this replica holds the bot's lease under {@code token} and the
     * lease has not run out by the database's clock. False when it was refused.
     */
    boolean write(Database db, String bot, long token, byte[] checkpoint) throws SQLException {
        return db.run(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE kore_exporter_bots"
                    + " SET checkpoint = ?, written_at = now()"
                    + " WHERE bot = ? AND owner = ? AND token = ? AND lease_until > now()")) {
                p.setBytes(1, checkpoint);
                p.setString(2, bot);
                p.setString(3, me);
                p.setLong(4, token);
                return p.executeUpdate() == 1;
            }
        });
    }

    /** The bot's checkpoint bytes; empty when it has none (or no row). */
    Optional<byte[]> read(Database db, String bot) throws SQLException {
        return db.run(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT checkpoint FROM kore_exporter_bots WHERE bot = ?")) {
                p.setString(1, bot);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.ofNullable(r.getBytes(1)) : Optional.empty();
                }
            }
        });
    }
}
