package dev.koreexporter;

import dev.koreexporter.config.ConfigException;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Shard;
import dev.koreexporter.config.StateStore;
import dev.koreexporter.http.ClientBounds;
import dev.koreexporter.http.ConnectionGuard;
import dev.koreexporter.http.ExporterRoutes;
import dev.koreexporter.http.ServerTls;
import dev.koreexporter.kore.KoreClient;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.OtlpPush;
import dev.koreexporter.metrics.catalogue.KoreMeter;
import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.kore.Ticker;
import dev.koreexporter.poll.BotSlot;
import dev.koreexporter.poll.CheckpointStore;
import dev.koreexporter.poll.LeasedSlot;
import dev.koreexporter.poll.Poller;
import dev.koreexporter.postgres.SharedState;
import dev.koreexporter.poll.BotStatus;
import dev.koreexporter.poll.FileCheckpointStore;
import dev.koreexporter.poll.FileRequestLog;
import dev.koreexporter.poll.PollScheduler;
import dev.koreexporter.poll.ReadOptions;
import dev.koreexporter.poll.StateDir;
import dev.koreexporter.tracing.OtelTurnTracer;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/** The running exporter: meters, one poller per bot, the scheduler and the HTTP server. */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private final List<AutoCloseable> resources;
    private final PollScheduler scheduler;
    private final WebServer server;
    /** The OTLP push: closed once the pollers stopped and before their series go, so its last push is final. */
    private final AutoCloseable push;

    private Daemon(List<AutoCloseable> resources, PollScheduler scheduler, WebServer server, AutoCloseable push) {
        this.resources = resources;
        this.scheduler = scheduler;
        this.server = server;
        this.push = push;
    }

    /** An {@link Error} in a poller or the server exits the process: code 3 out of memory, else 1 ({@link FatalErrors}). */
    public static Daemon start(ExporterConfig config, Clock clock, OtelTurnTracer tracer) {
        return start(config, clock, tracer, FatalErrors.exitingProcess());
    }

    /** Polls every bot of the config (no {@code --shard}). */
    public static Daemon start(ExporterConfig config, Clock clock, OtelTurnTracer tracer, Consumer<Error> fatal) {
        return start(config, Shard.ALL, clock, tracer, fatal);
    }

    /**
     * @param all   the config with every bot; this replica polls those of {@code shard}
     * @param fatal what an {@link Error} in a poller or an HTTP handler does (tests pass a fake exit)
     */
    public static Daemon start(ExporterConfig all, Shard shard, Clock clock, OtelTurnTracer tracer,
                               Consumer<Error> fatal) {
        return start(all, shard, clock, tracer, OtlpPush.NONE, fatal);
    }

    /** @param push the kore_* series pushed over OTLP too (README "OTLP metrics"), or {@link OtlpPush#NONE} */
    public static Daemon start(ExporterConfig all, Shard shard, Clock clock, OtelTurnTracer tracer, OtlpPush push,
                               Consumer<Error> fatal) {
        boolean shared = all.state().store() == StateStore.POSTGRESQL;
        if (shared && shard.sharded()) {
            throw new ConfigException(List.of("--shard: not used with state.store: postgresql, where the replicas share"
                    + " every bot through the database (README \"Running several replicas\"); drop --shard"));
        }
        ExporterConfig config = ShardedConfig.select(all, shard);
        ExporterConfig.Server http = config.server();
        // Before anything else starts: an unusable state.dir exits 2 naming it (docs/reliability.md).
        if (config.state().store() == StateStore.FILE) {
            StateDir.prepare(config.state().dir()).ifPresent(problem -> {
                throw new ConfigException(List.of(problem));
            });
        }
        // Before anything else starts: a bad key is a config problem, reported without leaving threads behind.
        Tls tls = http.tls() == null ? null : ServerTls.of(http.tls());
        PrometheusRegistry registry = new PrometheusRegistry();
        List<AutoCloseable> resources = new ArrayList<>();
        KoreMetrics metrics = new KoreMetrics(registry, config.metrics().buckets(), Version.get(), clock,
                config.metrics().maxLabelValues(), config.metrics().maxSeriesPerMetric());
        // Closed after the pollers' last checkpoint and publish, before they drop their series: its last push
        // carries the final counts.
        AutoCloseable pushing = push.start(metrics.store(), Version.get(), clock);
        metrics.registerSpanDrops(() -> tracer.spanCounts().lost());
        metrics.lookback(config.poll().lookback());
        if (shard.sharded()) {
            metrics.shard(shard.index(), shard.count());
        }
        SharedState sharedState = shared ? SharedState.open(config, Ticker.of(clock)) : null;
        CheckpointStore checkpoints;
        if (sharedState != null) {
            resources.add(sharedState);
            metrics.leased(sharedState.ownership()::holds, sharedState::owned, sharedState::up);
            checkpoints = sharedState.store();
        } else {
            FileCheckpointStore files = new FileCheckpointStore(config.state().dir(), shard);
            // Before any poller starts: a checkpoint left here by a bot that another replica now polls must never be
            // resumed later (README "Running several replicas").
            all.bots().stream().filter(b -> !shard.owns(b.id())).forEach(files::movedAway);
            checkpoints = files;
        }
        ServingGate store = new ServingGate(checkpoints);

        List<Poller> pollers = new ArrayList<>();
        for (ExporterConfig.Bot bot : config.bots()) {
            KoreClient client = KoreClient.builder(config.kore(), bot, clock).listener(metrics.apiListener(bot.name()))
                    .includeText(config.tracing().includeText()).requestLog(sharedState != null
                            ? sharedState.requestLog(bot.name(), clock) : new FileRequestLog(config.state().dir(), bot.name()))
                    .build();
            resources.add(client);
            // Built once the bot's checkpoint lock is held: its checkpoint is read then, and only a polled bot
            // has series (README "Reliability and security").
            Supplier<BotPoller> poller = () -> {
                BotPoller p = new BotPoller(bot, config.poll(), config.metrics().containmentWindow(), client,
                        ReadOptions.of(config), metrics, tracer, store, clock);
                metrics.registerApiBudget(bot.name(), client::budgetUsed);
                return p;
            };
            pollers.add(sharedState != null ? new LeasedSlot(bot.name(), sharedState.ownership(), metrics, poller)
                    : new BotSlot(bot.name(), store, metrics, poller));
        }
        PollScheduler scheduler = new PollScheduler(pollers, config.poll().interval(), fatal, clock);
        Supplier<List<BotStatus>> statuses = () -> pollers.stream().map(Poller::status).toList();
        Supplier<String> storeProblem = sharedState == null ? () -> null : sharedState::problem;
        Duration stuckAfter = stuckAfter(config);
        // Ready means every bot finished its first cycle (the backfill), the longest part of start-up: start it
        // now so the JVM meters and the server are set up meanwhile. Its checkpoint writes wait for the server.
        scheduler.start();
        if (sharedState != null) {
            sharedState.start(scheduler::wake);
        }

        WebServer server;
        try {
            bindJvmMetrics(registry, resources);
            ConnectionGuard guard = new ConnectionGuard(ClientBounds.of(http.maxConnections()));
            resources.add(guard);
            registerClosedConnections(metrics, guard);
            WebServerConfig.Builder builder = guard.configure(httpServer(), connectionOptions())
                    .host(http.host())
                    .port(http.port())
                    .routing(r -> ExporterRoutes.routing(r, metrics, registry, statuses, http.basicAuthUsers(), Version.get(),
                            clock, () -> scheduler.stuck(stuckAfter), storeProblem, fatal));
            if (tls != null) {
                builder.tls(tls);
            }
            server = builder.build().start();
        } catch (RuntimeException | Error e) {
            store.abandon();
            new Daemon(resources, scheduler, null, pushing).close();
            throw e;
        }
        store.open();
        LOG.info(() -> "kore-exporter " + Version.get() + " serving " + (tls != null ? "https" : "http")
                + (http.basicAuthUsers().isEmpty() ? "" : " with basic auth") + " on " + http.host() + ":"
                + server.port() + " for " + pollers.size() + " bot(s)"
                + (shard.sharded() ? " of " + all.bots().size() + " (--shard " + shard + ")" : ""));
        return new Daemon(resources, scheduler, server, pushing);
    }

    /** A poller that has not finished a cycle for this long is stuck: {@code /health/live} answers 503. */
    static Duration stuckAfter(ExporterConfig config) {
        return config.poll().interval().plus(config.kore().timeout()).multipliedBy(3);
    }

    /** The HTTP server's socket settings (also used by the scrape benchmark, so it measures the same server). */
    public static WebServerConfig.Builder httpServer() {
        return WebServer.builder()
                // Helidon 4.4.0's NIO sockets can stall on responses over ~1 MB (helidon#11340, #11635):
                // a large /metrics would hang the scrape. Blocking sockets serve it whole.
                .useNio(false)
                .connectionOptions(connectionOptions());
    }

    /**
     * /metrics is streamed in chunks; with Nagle's algorithm a chunk's small trailer waits for the client's
     * delayed ACK (~40 ms per scrape, measured).
     */
    private static SocketOptions connectionOptions() {
        return SocketOptions.builder().tcpNoDelay(true).build();
    }

    /** Exports what the HTTP server closed on its own, read at scrape time (README "Metrics"). */
    private static void registerClosedConnections(KoreMetrics metrics, ConnectionGuard guard) {
        for (ConnectionGuard.Reason r : ConnectionGuard.Reason.values()) {
            metrics.store().callback(null, KoreMeter.HTTP_CONNECTIONS_CLOSED, () -> guard.closed(r), r.label());
        }
    }

    public int port() {
        return server.port();
    }

    /** Stops polling, writes every checkpoint, stops serving. */
    @Override
    public void close() {
        scheduler.close(() -> closeQuietly(push));
        if (server != null) {
            server.stop();
        }
        resources.forEach(Daemon::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable r) {
        try {
            r.close();
        } catch (Exception e) {
            LOG.fine(() -> "closing " + r + ": " + e);
        }
    }

    private static void bindJvmMetrics(PrometheusRegistry registry, List<AutoCloseable> resources) {
        PrometheusMeterRegistry micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry,
                io.micrometer.core.instrument.Clock.SYSTEM); // fully qualified: java.time.Clock is imported
        new ClassLoaderMetrics().bindTo(micrometer);
        new JvmMemoryMetrics().bindTo(micrometer);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(micrometer);
        resources.add(gc);
        new JvmThreadMetrics().bindTo(micrometer);
        new ProcessorMetrics().bindTo(micrometer);
        new UptimeMetrics().bindTo(micrometer);
        new FileDescriptorMetrics().bindTo(micrometer);
        resources.add(micrometer::close);
    }
}
