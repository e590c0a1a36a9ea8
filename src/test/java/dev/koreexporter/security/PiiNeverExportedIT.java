package dev.koreexporter.security;

import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Users' words and identities (message text, user ids, caller numbers) from the simulator's ground truth
 * never reach metric labels, spans, pages or logs; with {@code tracing.include-text} the text, and only the
 * text, reaches spans.
 */
class PiiNeverExportedIT {
    /** The simulator's caller numbers (session tag callerNumber, channelUId): +1 NXX 555 XXXX. */
    private static final Pattern CALLER = Pattern.compile("\\+1\\d{3}555\\d{4}");
    /** Shorter canned texts ("yes", "no", "oui") would match ordinary words of the exposition itself. */
    private static final int MIN_TEXT = 12;

    @TempDir
    Path dir;

    private record Exported(List<String> outputs, List<String> spans, Set<String> userIds, Set<String> texts) {
    }

    private Exported run(boolean includeText) throws Exception {
        List<SimBot> bots = SimulatorOptions.DEMO_BOTS;
        try (SimulatedDaemon d = new SimulatedDaemon(bots, bots, includeText, "", dir.resolve("state-" + includeText))) {
            d.awaitReady();
            List<String> outputs = new ArrayList<>();
            String metrics = d.get("/metrics", null).body();
            assertTrue(metrics.contains("kore_turn_latency_seconds_count{"), "turns were exported");
            outputs.add(metrics);
            outputs.add(d.get("/metrics", "application/openmetrics-text; version=1.0.0").body());
            outputs.add(d.get("/", null).body());
            outputs.add(d.get("/health/ready", null).body());
            outputs.addAll(d.stopAndCollectLogs());
            List<String> spans = d.spans().stream().map(Object::toString).toList();
            assertFalse(spans.isEmpty(), "turns were traced");

            GroundTruth truth = d.sim.groundTruth();
            Set<String> userIds = new TreeSet<>();
            Set<String> texts = new TreeSet<>();
            for (SimBot b : bots) {
                for (TruthMessage m : truth.messages(b.botId())) {
                    userIds.add(m.userId());
                    if (m.message().text() != null && m.message().text().length() >= MIN_TEXT) {
                        texts.add(m.message().text());
                    }
                }
                truth.sessions(b.botId()).stream().map(TruthSession::userId).forEach(userIds::add);
            }
            assertTrue(userIds.size() > 10 && texts.size() > 10, "ground truth has users and words to look for");
            return new Exported(outputs, spans, userIds, texts);
        }
    }

    private static void assertAbsent(List<String> haystacks, Set<String> needles, String what) {
        for (String hay : haystacks) {
            for (String needle : needles) {
                assertFalse(hay.contains(needle), () -> what + " \"" + needle + "\" exported in: " + hay);
            }
            assertFalse(CALLER.matcher(hay).find(), () -> "caller number exported in: " + hay);
        }
    }

    @Test
    void byDefaultNoTextNoUserIdNoCallerNumber() throws Exception {
        Exported e = run(false);
        assertAbsent(e.outputs(), e.userIds(), "user id");
        assertAbsent(e.outputs(), e.texts(), "text");
        assertAbsent(e.spans(), e.userIds(), "user id");
        assertAbsent(e.spans(), e.texts(), "text");
    }

    @Test
    void includeTextPutsTextInSpansOnly() throws Exception {
        Exported e = run(true);
        assertTrue(e.spans().stream().anyMatch(s -> e.texts().stream().anyMatch(s::contains)),
                "with the opt-in, spans carry the words (so the default test above can see them when present)");
        assertAbsent(e.outputs(), e.texts(), "text");
        assertAbsent(e.outputs(), e.userIds(), "user id");
        assertAbsent(e.spans(), e.userIds(), "user id");
    }
}
