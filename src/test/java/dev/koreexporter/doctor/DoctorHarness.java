package dev.koreexporter.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.kore.Sleeper;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.LabSimulator;
import dev.koreexporter.testing.ManualClock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A simulator on a manual clock, a config naming its bots, and doctor run against them in-process. */
final class DoctorHarness implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    final ManualClock clock = new ManualClock(T0);
    final LabSimulator sim;
    final Path dir;
    final Path stateDir;

    DoctorHarness(UnaryOperator<SimulatorOptions> options) {
        sim = LabSimulator.start(options.apply(SimulatorOptions.defaults().withClock(clock)
                .withHistory(Duration.ofHours(1))));
        try {
            dir = Files.createTempDirectory("doctor-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stateDir = dir.resolve("state-never-created");
    }

    DoctorHarness() {
        this(o -> o);
    }

    SimBot bot(String name) {
        return sim.options().bot(name);
    }

    /**
     * A config for the simulator's bots. {@code extra} is YAML put under {@code kore:} (indented two spaces);
     * {@code secrets} overrides secrets by bot name; {@code channels} overrides channels by bot name.
     */
    Path config(String koreExtra, Map<String, String> secrets, Map<String, List<String>> channels, String poll) {
        StringBuilder y = new StringBuilder();
        y.append("kore:\n  base-url: ").append(sim.baseUrl()).append('\n').append(koreExtra);
        y.append("poll:\n").append(poll);
        y.append("state:\n  dir: ").append(stateDir).append('\n');
        y.append("bots:\n");
        for (SimBot b : sim.bots()) {
            y.append("  - name: ").append(b.name()).append('\n')
                    .append("    id: ").append(b.botId()).append('\n')
                    .append("    client-id: ").append(b.clientId()).append('\n')
                    .append("    client-secret: ").append(secrets.getOrDefault(b.name(), b.clientSecret())).append('\n');
            if (b.accountId() != null) {
                y.append("    account-id: ").append(b.accountId()).append('\n');
            }
            y.append("    channels: [").append(String.join(", ", channels.getOrDefault(b.name(), b.channels())))
                    .append("]\n");
        }
        Path file = dir.resolve("config-" + System.nanoTime() + ".yml");
        try {
            Files.writeString(file, y.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    Path config() {
        return config("", Map.of(), Map.of(), "  interval: 30s\n");
    }

    DoctorReport check(Path config) throws InterruptedException {
        ExporterConfig c = ConfigLoader.load(config, Map.of()).config();
        return DoctorCommand.check(c, clock, Sleeper.SYSTEM);
    }

    /** The command as the CLI runs it: exit code, stdout, stderr. */
    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not one JSON document: " + out, e);
            }
        }
    }

    Run run(Path config, DoctorCommand.Format format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DoctorCommand.run(config, format, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock, Sleeper.SYSTEM);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static CheckResult check(DoctorReport report, String bot, String check) {
        return report.bots().stream().filter(b -> b.bot().equals(bot)).findFirst().orElseThrow().checks().stream()
                .filter(c -> c.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + check + " for " + bot + " in " + report));
    }

    static List<String> names(DoctorReport report, String bot) {
        List<String> out = new ArrayList<>();
        report.bots().stream().filter(b -> b.bot().equals(bot)).findFirst().orElseThrow().checks()
                .forEach(c -> out.add(c.check()));
        return out;
    }

    @Override
    public void close() {
        sim.close();
    }
}
