package dev.koreexporter.postgres;

import dev.koreexporter.config.ConfigException;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.RequestLog;
import dev.koreexporter.kore.Ticker;
import dev.koreexporter.poll.CheckpointStore;
import dev.koreexporter.poll.Ownership;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * State shared by replicas in PostgreSQL ({@code state.store: postgresql}, README "Running several replicas"): the
 * checkpoint store, which bots this replica holds, and the coordinator that keeps its leases. Three connections: one for
 * the coordinator's rounds, one for the pollers' checkpoints, so a large checkpoint write never holds a renewal back,
 * and one for the rate limiters' request logs, so that neither holds a request back.
 */
public final class SharedState implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SharedState.class.getName());

    private final String replica;
    private final Database leases;
    private final Database checkpoints;
    private final Database requests;
    private final LeaseBook book;
    private final Coordinator coordinator;
    private final PostgresCheckpointStore store;

    private SharedState(ExporterConfig config, Ticker ticker) {
        ExporterConfig.State state = config.state();
        Duration lease = state.leaseDuration();
        this.replica = replicaId();
        // A statement that waits longer than this fails: a round must end within the lease (and a replica that cannot
        // renew in time loses its leases here first anyway, LeaseBook). At least 2 s: a JVM's first login is slow.
        Duration timeout = Duration.ofSeconds(2).compareTo(lease.dividedBy(3)) > 0 ? Duration.ofSeconds(2)
                : lease.dividedBy(3);
        this.leases = new Database(state.postgresql(), timeout, "leases");
        this.checkpoints = new Database(state.postgresql(), timeout.multipliedBy(2), "checkpoints");
        this.requests = new Database(state.postgresql(), timeout, "requests");
        LeaseTable table = new LeaseTable(replica, lease);
        this.book = new LeaseBook(lease, ticker, (bot, token) -> {
            try {
                table.release(leases, bot, token);
            } catch (SQLException e) {
                LOG.warning("bot=" + bot + " lease not given up (" + e.getMessage() + "): it runs out by itself");
            }
        });
        this.coordinator = new Coordinator(config.bots(), replica, leases, table, book, lease, ticker);
        this.store = new PostgresCheckpointStore(checkpoints, table, book);
    }

    /**
     * Connects and takes this replica's first leases. A database that cannot be reached is no error: the daemon starts,
     * says so, and polls once it can (README "Running several replicas").
     *
     * @throws ConfigException when the database holds a newer schema than this release's
     */
    public static SharedState open(ExporterConfig config, Ticker ticker) {
        SharedState shared = new SharedState(config, ticker);
        try {
            shared.coordinator.first();
        } catch (Schema.TooNew e) {
            shared.close();
            throw new ConfigException(List.of("state.postgresql.url: " + e.getMessage()));
        }
        LOG.info(() -> "state store postgresql: replica " + shared.replica + (shared.coordinator.up()
                ? " holds " + shared.book.owned() + " of " + config.bots().size() + " bot(s)"
                : " started without the database; it polls no bot until it can reach it"));
        return shared;
    }

    /** Keeps the leases from now on; {@code wake} runs a bot's poller at once (a lease taken, handed over, lost). */
    public void start(Consumer<String> wake) {
        coordinator.start(wake);
    }

    public CheckpointStore store() {
        return store;
    }

    /** Where the bot's rate limiter notes its requests, for whichever replica sends for the bot next. */
    public RequestLog requestLog(String bot, Clock wall) {
        return new PostgresRequestLog(requests, bot, replica, book, wall);
    }

    public Ownership ownership() {
        return book;
    }

    /** Whether the last round reached the database ({@code kore_exporter_state_store_up}). */
    public boolean up() {
        return coordinator.up();
    }

    /** Bots held now ({@code kore_exporter_owned_bots}). */
    public int owned() {
        return book.owned();
    }

    /** Why no bot can be polled now, or null ({@code /health/ready} answers 503 meanwhile). */
    public String problem() {
        return book.problem();
    }

    /** The replica's id in the database: the host, the process and a random part (a restart is another replica). */
    static String replicaId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "replica");
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }

    /** Gives every lease up and leaves; call once every bot's final checkpoint is written. */
    @Override
    public void close() {
        coordinator.close();
        leases.close();
        checkpoints.close();
        requests.close();
    }
}
