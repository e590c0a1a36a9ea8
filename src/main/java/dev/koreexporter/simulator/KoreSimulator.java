package dev.koreexporter.simulator;

import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
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
    private static final String AGENT_AI_LISTENER = "agent-ai";

    private final SimulatorOptions options;
    private final GeneratedTraffic traffic;
    private final WebServer server;

    private KoreSimulator(GeneratedTraffic traffic, ApiInterceptor interceptor, HttpService extraRoutes) {
        this.options = traffic.options();
        this.traffic = traffic;
        KoreApiService api = new KoreApiService(traffic, interceptor);
        WebServerConfig.Builder builder = WebServer.builder()
                .host(options.host())
                .port(options.port())
                .shutdownGracePeriod(Duration.ofMillis(200))
                // Helidon 4.4.0's NIO sockets drop the tail of large responses (helidon#11340/#11635).
                .useNio(false)
                // Compression is done by hand (so an interceptor sees bodies before it); never twice.
                .contentEncoding(plainEncoding())
                .routing(r -> r.register(api).register(extraRoutes));
        if (options.agentAiOnOwnListener()) {
            builder.putSocket(AGENT_AI_LISTENER, socket -> socket
                    .host(options.host())
                    .port(options.agentAiPort())
                    .useNio(false)
                    .contentEncoding(plainEncoding())
                    .routing(r -> r.register(api.agentAiRoutes())));
        }
        this.server = builder.build();
    }

    private static ContentEncodingContext plainEncoding() {
        return ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build();
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
        LOG.info(() -> "Kore.ai simulator listening on " + sim.baseUrl() + " with " + sim.options.bots().size() + " bots"
                + (sim.options.agentAiOnOwnListener() ? ", Agent AI on " + sim.agentAiBaseUrl() : ""));
        return sim;
    }

    public int port() {
        return server.port();
    }

    public URI baseUrl() {
        return url(port());
    }

    /**
     * Where the Agent AI conversations API is served: {@link #baseUrl()}, or the listener of its own when
     * {@link SimulatorOptions#agentAiPort()} asks for one (the exporter's {@code kore.agent-ai-base-url}).
     */
    public URI agentAiBaseUrl() {
        return options.agentAiOnOwnListener() ? url(server.port(AGENT_AI_LISTENER)) : baseUrl();
    }

    private URI url(int port) {
        String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
        return URI.create("http://" + host + ":" + port);
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
