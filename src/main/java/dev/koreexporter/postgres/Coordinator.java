package dev.koreexporter.postgres;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;
import dev.koreexporter.kore.Ticker;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The replica's side of sharing bots (README "Running several replicas"), on a thread of its own: every round (a third
 * of the lease, sooner when a lease it waits for runs out) it says it is alive and renews its leases in one transaction,
 * places every bot on the live replicas by rendezvous hashing over their ids ({@link Shard#ownerAmong}), hands over
 * the bots placed elsewhere now, and takes the free leases of the bots placed here. A bot's slot is woken when its
 * lease is taken, handed over or lost, so it starts or stops at once. A round that fails (the database cannot be
 * reached) renews nothing: the leases run out here before they do in the database, and their bots stop.
 */
final class Coordinator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Coordinator.class.getName());
    /** While a lease this replica waits for is about to run out or be handed over: rounds at least this often. */
    private static final long WAITING_MILLIS = 250;

    private final List<ExporterConfig.Bot> bots;
    private final List<String> names;
    private final String me;
    private final Database db;
    private final LeaseTable table;
    private final LeaseBook book;
    private final Ticker ticker;
    private final long periodMillis;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("state-store").daemon(true).factory());
    private volatile Consumer<String> wake = bot -> {
    };
    private volatile boolean up;
    private boolean prepared;
    private volatile boolean closed;

    Coordinator(List<ExporterConfig.Bot> bots, String me, Database db, LeaseTable table, LeaseBook book,
                Duration lease, Ticker ticker) {
        this.bots = List.copyOf(bots);
        this.names = bots.stream().map(ExporterConfig.Bot::name).toList();
        this.me = me;
        this.db = db;
        this.table = table;
        this.book = book;
        this.ticker = ticker;
        this.periodMillis = Math.max(100, lease.toMillis() / 3);
    }

    /** Whether the last round reached the database. */
    boolean up() {
        return up;
    }

    /**
     * The first round, run by the daemon before it starts polling, so it knows at once whether the database holds a
     * newer schema.
     *
     * @throws Schema.TooNew when the database's schema is newer than this release's
     */
    void first() throws Schema.TooNew {
        try {
            round();
        } catch (Schema.TooNew e) {
            throw e;
        } catch (SQLException e) {
            failed(e);
        }
    }

    /** Runs the rounds from now on; {@code wake} runs a bot's slot now. */
    void start(Consumer<String> wake) {
        this.wake = wake;
        schedule(0);
    }

    private void schedule(long millis) {
        if (!closed) {
            try {
                thread.schedule(this::tick, millis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void tick() {
        long next = periodMillis;
        try {
            next = Math.min(next, round());
        } catch (SQLException e) {
            failed(e);
        } catch (RuntimeException e) {
            LOG.severe("state store round failed: " + e);
            up = false;
        }
        book.expire().forEach(wake);
        long untilDeadline = TimeUnit.NANOSECONDS.toMillis(book.untilFirstDeadline());
        schedule(Math.max(1, Math.min(next, untilDeadline + 1)));
    }

    /** One round; how soon the next one should come (millis). */
    private long round() throws SQLException {
        if (!prepared) {
            Schema.prepare(db, names);
            prepared = true;
        }
        // Read before the leases to renew are chosen: a renewed lease lasts from no later than this.
        long sent = ticker.nanos();
        Map<String, Long> asked = book.renewable();
        LeaseTable.Round round = table.round(db, asked, names);
        book.renewed(asked, round.renewed(), sent);
        if (!up) {
            LOG.info(() -> "state store reachable: replica " + me + " of " + round.live().size() + " live");
        }
        up = true;
        book.problem(null);
        // A replica that stopped renewing (dead, paused) leaves the live set, with its leases, at its time: the next
        // round comes right after it, so its bots are taken over within the lease (README "Running several replicas").
        long next = Math.min(periodMillis, round.othersExpireMillis() + 20);
        for (ExporterConfig.Bot bot : bots) {
            String name = bot.name();
            // The round made this replica live: the list holds it.
            String placed = Shard.ownerAmong(bot.id(), round.live());
            if (!placed.equals(me)) {
                if (book.holds(name)) {
                    book.leave(name);
                    LOG.info(() -> "bot=" + name + " is placed on replica " + placed + " now: handing it over");
                    wake.accept(name);
                }
                continue;
            }
            if (book.known(name)) {
                continue;
            }
            LeaseTable.Row row = round.rows().get(name);
            if (row != null && !row.free()) {
                // Held elsewhere: handed over soon, or run out at its time if its holder died.
                next = Math.min(next, Math.max(WAITING_MILLIS, Math.min(row.remainingMillis() + 20, 4 * WAITING_MILLIS)));
                continue;
            }
            long asking = ticker.nanos();
            OptionalLong token = table.acquire(db, name);
            if (token.isPresent()) {
                book.acquired(name, token.getAsLong(), asking);
                wake.accept(name);
            } else {
                next = Math.min(next, WAITING_MILLIS);
            }
        }
        return next;
    }

    private void failed(SQLException e) {
        String why = e instanceof Schema.TooNew ? e.getMessage()
                : "the state store cannot be reached (" + e.getMessage() + "); no bot is polled here until it can";
        if (up || book.problem() == null) {
            LOG.severe(why + "; trying again every " + periodMillis + " ms");
        }
        if (!(e instanceof Schema.TooNew)) {
            prepared = false;
        }
        up = false;
        book.problem(why);
    }

    /** Stops the rounds; then gives every lease up and leaves (the bots' final checkpoints are written by then). */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            table.leave(db);
            LOG.info(() -> "replica " + me + " left: its leases are free for the other replicas");
        } catch (SQLException e) {
            LOG.warning("replica " + me + " could not give its leases up (" + e.getMessage()
                    + "): the other replicas take its bots once the leases run out");
        }
    }
}
