package dev.koreexporter.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.LabSimulatorCommand;
import dev.koreexporter.testing.MetricsText;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * For tests that run the exporter as real processes against a simulator process: the config they share, the
 * simulator's ground truth (its /sim/truth summary) and the same counts from two processes' scrapes joined,
 * as increase() in Prometheus sees them, keyed alike so that the two maps can be compared whole.
 */
final class ProcessCounts {
    private ProcessCounts() {
    }

    /**
     * The java arguments that run the simulator with its lab ({@code /sim/truth}, {@code /sim/faults},
     * {@code /sim/freeze}): the jar (and the libraries its manifest names) plus the test classes, where the lab is.
     */
    static List<String> labSimulator(Path jar) {
        return List.of("-cp", jar + File.pathSeparator + Path.of("target", "test-classes"),
                LabSimulatorCommand.class.getName());
    }

    /** Per bot: counted messages, turns, closed sessions (and by containment), Agent AI conversations. */
    static Map<String, Double> truth(JsonNode simTruth) {
        Map<String, Double> out = new TreeMap<>();
        for (JsonNode b : simTruth.get("bots")) {
            String bot = b.get("name").asText();
            out.put(bot + " messages", b.get("countedMessages").asDouble());
            out.put(bot + " turns", b.get("countedTurns").asDouble());
            out.put(bot + " sessions", b.get("countedSessionsClosed").asDouble());
            b.get("countedClosedByContainment").fields().forEachRemaining(e ->
                    out.put(bot + " sessions " + e.getKey(), e.getValue().asDouble()));
            out.put(bot + " conversations", b.get("conversations").asDouble());
        }
        return out;
    }

    static Map<String, Double> exported(List<SimBot> bots, MetricsText first, MetricsText second) {
        return exported(bots, List.of(first, second));
    }

    /**
     * The counts of scrapes taken one after the other (of a process and the ones after it, or of two processes on one
     * state dir, which never export one bot at once), joined as one series each, as Prometheus's increase() from zero
     * sees them when the scrape config joins them (README "Reliability and security").
     */
    static Map<String, Double> exported(List<SimBot> bots, List<MetricsText> scrapes) {
        MetricsText both = MetricsText.increase(scrapes);
        Map<String, Double> out = new TreeMap<>();
        for (SimBot b : bots) {
            String bot = b.name();
            out.put(bot + " messages", both.sum("kore_messages_total", "bot", bot));
            out.put(bot + " turns", both.sum("kore_turn_latency_seconds_count", "bot", bot));
            out.put(bot + " sessions", both.sum("kore_sessions_total", "bot", bot));
            for (String c : List.of("selfService", "dropOff", "agent")) {
                double n = both.sum("kore_sessions_total", "bot", bot, "containment", c);
                if (n > 0) {
                    out.put(bot + " sessions " + c, n);
                }
            }
            out.put(bot + " conversations", both.sum("kore_agentai_conversations_total", "bot", bot));
        }
        return out;
    }

    /**
     * A config polling {@code bots} of the simulator at {@code simPort} every second, state in {@code stateDir}.
     * Sessions are closed by an inactivity timeout long after they end; a session horizon longer than any simulated
     * session takes to be reported closed (under 2 h) counts every closed session, as ground truth's
     * {@code countedSessionsClosed} does (README "How it reads Kore.ai"). A short {@code sweep-interval} keeps re-reads
     * within seconds, so the tests need not wait the default 2.5 minutes after a freeze.
     */
    static String config(int exporterPort, int simPort, Path stateDir, List<SimBot> bots) {
        StringBuilder y = new StringBuilder()
                .append("server:\n  port: ").append(exporterPort).append("\n  host: 127.0.0.1\n")
                .append("kore:\n  base-url: http://127.0.0.1:").append(simPort).append("\n  timeout: 30s\n")
                .append("poll:\n  interval: 1s\n  lookback: 20m\n  backfill: 2h\n  sweep-interval: 5s\n")
                .append("  session-horizon: 2h\n")
                .append("state:\n  dir: ").append(stateDir).append("\n")
                .append("bots:\n");
        for (SimBot b : bots) {
            y.append("  - name: ").append(b.name()).append("\n    id: ").append(b.botId())
                    .append("\n    client-id: ").append(b.clientId())
                    .append("\n    client-secret: ").append(b.clientSecret()).append("\n");
            if (b.accountId() != null) {
                y.append("    account-id: \"").append(b.accountId()).append("\"\n");
            }
            y.append("    channels: [").append(String.join(", ", b.channels())).append("]\n");
        }
        return y.toString();
    }


}
