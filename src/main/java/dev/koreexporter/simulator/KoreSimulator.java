package dev.koreexporter.simulator;

import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpService;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * A Kore.ai XO Platform imitation serving the analytics APIs over HTTP from seeded, generated traffic, with
 * JWT checks, paging, rate limits and late data. The lab (faults, ground truth, request statistics, the
 * {@code /sim/*} admin routes; test classpath only) plugs in through {@link #start(GeneratedTraffic,
 * ApiInterceptor, HttpService)}.
 */
public final class KoreSimulator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KoreSimulator.class.getName());

    private final SimulatorOptions options;
    private final GeneratedTraffic traffic;
    private final WebServer server;

    private KoreSimulator(GeneratedTraffic traffic, ApiInterceptor interceptor, HttpService extraRoutes) {
        this.options = traffic.options();
        this.traffic = traffic;
        this.server = WebServer.builder()
                .host(options.host())
                .port(options.port())
                .shutdownGracePeriod(Duration.ofMillis(200))
                // Helidon 4.4.0's NIO sockets drop the tail of large responses (helidon#11340/#11635).
                .useNio(false)
                // Compression is done by hand (so an interceptor sees bodies before it); never twice.
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .routing(r -> r.register(new KoreApiService(traffic, interceptor)).register(extraRoutes))
                .build();
    }

    /** The simulator as {@code --demo} and the {@code simulator} command run it. */
    public static KoreSimulator start(SimulatorOptions options) {
        return start(GeneratedTraffic.of(options), ApiInterceptor.NONE, rules -> {
        });
    }

    /**
     * Serves {@code traffic}; {@code interceptor} sees every API request to a known bot and {@code extraRoutes}
     * are served beside the API's.
     */
    public static KoreSimulator start(GeneratedTraffic traffic, ApiInterceptor interceptor, HttpService extraRoutes) {
        KoreSimulator sim = new KoreSimulator(traffic, interceptor, extraRoutes);
        traffic.advanceTo(sim.options.clock().millis());
        sim.server.start();
        LOG.info(() -> "Kore.ai simulator listening on " + sim.baseUrl() + " with " + sim.options.bots().size() + " bots");
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

    public GeneratedTraffic traffic() {
        return traffic;
    }

    /** No new sessions start from now on (simulated time); sessions already running still finish. */
    public void pauseTraffic() {
        traffic.pause(options.clock().millis());
    }

    public void resumeTraffic() {
        traffic.resume(options.clock().millis());
    }

    @Override
    public void close() {
        server.stop();
    }
}
