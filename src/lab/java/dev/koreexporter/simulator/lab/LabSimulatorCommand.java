package dev.koreexporter.simulator.lab;

import dev.koreexporter.simulator.SimulatorCommand;
import io.helidon.logging.common.LogConfig;

import java.util.List;

/**
 * The {@code simulator} command with the lab plugged in, for tests that run the simulator as a process of its
 * own and drive it over {@code /sim/*} (README "Development"): same arguments, and a clock that
 * {@code POST /sim/freeze} stops, so a test can compare ground truth with a set of records that no longer
 * changes.
 */
public final class LabSimulatorCommand {
    private LabSimulatorCommand() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        System.exit(SimulatorCommand.run(List.of(args),
                options -> LabSimulator.start(options.withClock(new FreezableClock(options.clock())))));
    }
}
