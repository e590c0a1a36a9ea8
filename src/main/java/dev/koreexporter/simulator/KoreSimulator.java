package dev.koreexporter.simulator;

import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A Kore.ai XO Platform imitation serving the analytics APIs over HTTP from seeded, generated traffic,
 * with rate limits, late data, faults and a ground truth to compare exports against.
 */
public final class KoreSimulator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KoreSimulator.class.getName());

    private final SimulatorOptions options;
    private final Map<String, BotTraffic> traffic;
    private final GroundTruth truth;
    private final FaultControl faults = new FaultControl();
    private final RequestStats stats = new RequestStats();
    private final WebServer server;

    private KoreSimulator(SimulatorOptions options) {
        this.options = options;
        long origin = options.clock().instant().minus(options.history()).toEpochMilli();
        Map<String, BotTraffic> byId = new LinkedHashMap<>();
        for (SimBot bot : options.bots()) {
            byId.put(bot.botId(), new BotTraffic(bot, options.seed(), options.sessionsPerMinutePerBot(), origin,
                    options.maxLateness().toMillis(), options.quirks()));
        }
        this.traffic = Map.copyOf(byId);
        this.truth = new GroundTruth(traffic, options.clock());
        this.server = WebServer.builder()
                .host(options.host())
                .port(options.port())
                .shutdownGracePeriod(Duration.ofMillis(200))
                // Helidon 4.4.0's NIO sockets drop the tail of large responses (helidon#11340/#11635).
                .useNio(false)
                // Compression is done by hand (so faults can break bodies before it); never twice.
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .routing(r -> r.register(new KoreApiService(options, traffic, stats, faults))
                        .register(new AdminService(options.bots(), stats, truth, faults, options.clock())))
                .build();
    }

    public static KoreSimulator start(SimulatorOptions options) {
        KoreSimulator sim = new KoreSimulator(options);
        sim.traffic.values().forEach(t -> t.advanceTo(options.clock().millis()));
        sim.server.start();
        LOG.info(() -> "Kore.ai simulator listening on " + sim.baseUrl() + " with " + options.bots().size() + " bots");
        return sim;
    }

    public int port() {
        return server.port();
    }

    public URI baseUrl() {
        String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
        return URI.create("http://" + host + ":" + port());
    }

    public List<SimBot> bots() {
        return options.bots();
    }

    public SimulatorOptions options() {
        return options;
    }

    public GroundTruth groundTruth() {
        return truth;
    }

    public FaultControl faults() {
        return faults;
    }

    public RequestStats requestStats() {
        return stats;
    }

    /** No new sessions start from now on (simulated time); sessions already running still finish. */
    public void pauseTraffic() {
        long now = options.clock().millis();
        traffic.values().forEach(t -> t.pause(now));
    }

    public void resumeTraffic() {
        long now = options.clock().millis();
        traffic.values().forEach(t -> t.resume(now));
    }

    @Override
    public void close() {
        server.stop();
    }
}
