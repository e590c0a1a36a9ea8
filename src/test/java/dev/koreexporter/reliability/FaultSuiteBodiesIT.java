package dev.koreexporter.reliability;

import dev.koreexporter.poll.BotPoller;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.lab.Defect;
import dev.koreexporter.simulator.lab.Fault;
import dev.koreexporter.simulator.lab.FaultType;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.testing.LogCapture;
import dev.koreexporter.testing.MetricsText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken bodies, broken records and a Kore.ai clock that is off by minutes. */
class FaultSuiteBodiesIT {
    @TempDir
    Path stateDir;

    @ParameterizedTest
    @EnumSource(value = FaultType.class, names = {"MALFORMED_JSON", "TRUNCATED_BODY"})
    void brokenBodiesMarkTheBotDownThenRecoverExactly(FaultType type) {
        try (FaultHarness h = new FaultHarness(stateDir, FaultHarness.defaultSim(2))) {
            SimBot victim = h.sim.bots().getFirst();
            FaultHarness.Run run = h.start();
            run.cycles(Duration.ofMinutes(5));
            h.sim.faults().set(Fault.of(type).forBot(victim.botId()));
            run.cycles(Duration.ofMinutes(5));
            assertEquals(0, run.up(victim.name()));
            assertEquals(1, run.up(h.sim.bots().get(1).name()));
            h.sim.faults().clear();
            run.cycles(Duration.ofMinutes(3));
            assertEquals(1, run.up(victim.name()));
            Instant asOf = h.finish(run);
            GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, run.metrics().series());
        }
    }

    @Test
    void badRecordsAreRejectedOneByOneAndLoggedOncePerKindAndReason() {
        try (FaultHarness h = new FaultHarness(stateDir, FaultHarness.defaultSim(2));
             LogCapture capture = LogCapture.of(BotPoller.class.getName())) {
            h.sim.faults().set(Fault.of(FaultType.BAD_RECORDS));
            FaultHarness.Run run = h.start();
            // The first cycle reads the backfill once, page by page: every message it was served broken is
            // rejected exactly once, by the reason its defect maps to.
            run.cycle();
            Instant first = h.clock.instant();
            MetricsText m = run.metrics();
            for (SimBot b : h.sim.bots()) {
                List<TruthMessage> broken = h.sim.groundTruth().messages(b.botId(), FaultHarness.FLOOR, first, first)
                        .stream().filter(t -> !t.valid()).toList();
                assertTrue(broken.size() > 3, "some messages were broken for " + b.name());
                assertEquals(broken.size(), m.sum("kore_exporter_records_rejected_total", "bot", b.name(),
                        "kind", "message"), "rejected messages of " + b.name());
                assertEquals(broken.stream().filter(t -> t.defect() == Defect.MISSING_ID).count(),
                        m.value("kore_exporter_records_rejected_total", "bot", b.name(), "kind", "message",
                                "reason", "missing_id"), "missing ids of " + b.name());
                assertTrue(m.sum("kore_exporter_records_rejected_total", "bot", b.name(), "kind", "session") > 0);
            }
            run.cycles(Duration.ofMinutes(40));
            h.sim.faults().clear();
            Instant asOf = h.finish(run);
            GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, run.metrics().series());

            List<String> rejectionLines = capture.records().stream().map(LogRecord::getMessage)
                    .filter(s -> s != null && s.contains(" rejected a ")).toList();
            long distinct = run.metrics().family("kore_exporter_records_rejected_total").keySet().size();
            assertEquals(distinct, rejectionLines.size(), "one line per bot, kind and reason: " + rejectionLines);
            assertEquals(rejectionLines.size(), rejectionLines.stream().distinct().count());
        }
    }

    @ParameterizedTest(name = "Kore.ai clock {0} min off")
    @ValueSource(ints = {5, -5})
    void aSkewedKoreClockIsExactAfterSettling(int minutes) {
        try (FaultHarness h = new FaultHarness(stateDir, FaultHarness.defaultSim(2))) {
            h.sim.faults().set(Fault.clockSkew(Duration.ofMinutes(minutes)));
            FaultHarness.Run run = h.start();
            run.cycles(Duration.ofMinutes(45));
            h.sim.bots().forEach(b -> assertEquals(1, run.up(b.name())));
            h.sim.faults().clear();
            Instant asOf = h.finish(run);
            GroundTruthAssert.assertExact(h.sim, FaultHarness.FLOOR, asOf, run.metrics().series());
        }
    }
}
