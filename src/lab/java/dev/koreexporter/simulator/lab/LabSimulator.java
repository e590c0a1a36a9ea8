package dev.koreexporter.simulator.lab;

import dev.koreexporter.simulator.GeneratedTraffic;
import dev.koreexporter.simulator.KoreSimulator;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;

import java.net.URI;
import java.util.List;

/**
 * The Kore.ai simulator with the lab plugged in: faults switched on and off at run time, the ground truth to
 * compare exports against, request statistics, and the {@code /sim/*} admin routes for the same over HTTP. Tests
 * and {@code bin/benchmark} only; the simulator in the jar has none of it (README "Development").
 */
public final class LabSimulator implements AutoCloseable {
    private final KoreSimulator simulator;
    private final GroundTruth truth;
    private final FaultControl faults;
    private final RequestStats stats;
    private final LabInterceptor interceptor;

    private LabSimulator(KoreSimulator simulator, GroundTruth truth, FaultControl faults, RequestStats stats,
                         LabInterceptor interceptor) {
        this.simulator = simulator;
        this.truth = truth;
        this.faults = faults;
        this.stats = stats;
        this.interceptor = interceptor;
    }

    public static LabSimulator start(SimulatorOptions options) {
        GeneratedTraffic traffic = GeneratedTraffic.of(options);
        FaultControl faults = new FaultControl();
        RequestStats stats = new RequestStats();
        BrokenRecords broken = new BrokenRecords();
        GroundTruth truth = new GroundTruth(traffic, broken);
        LabInterceptor interceptor = new LabInterceptor(faults, stats, broken);
        KoreSimulator simulator = KoreSimulator.start(traffic, interceptor,
                new AdminService(options.bots(), stats, truth, faults, options.clock()));
        return new LabSimulator(simulator, truth, faults, stats, interceptor);
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

    public KoreSimulator simulator() {
        return simulator;
    }

    public int port() {
        return simulator.port();
    }

    public URI baseUrl() {
        return simulator.baseUrl();
    }

    /** Where the Agent AI conversations API is served: {@link #baseUrl()} unless it has a listener of its own. */
    public URI agentAiBaseUrl() {
        return simulator.agentAiBaseUrl();
    }

    public List<SimBot> bots() {
        return simulator.bots();
    }

    public SimulatorOptions options() {
        return simulator.options();
    }

    /**
     * The bot's app gets a new client secret, as when its owner rotates it in Kore.ai: from now on tokens signed with
     * the one before are refused with 401.
     */
    public void rotateClientSecret(String botId, String secret) {
        interceptor.rotateClientSecret(botId, secret);
    }

    /** No new sessions start from now on (simulated time); sessions already running still finish. */
    public void pauseTraffic() {
        simulator.pauseTraffic();
    }

    public void resumeTraffic() {
        simulator.resumeTraffic();
    }

    @Override
    public void close() {
        simulator.close();
    }
}
