package dev.koreexporter.testing;

import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.TruthSession;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sessions an exporter with {@code poll.session-horizon} {@code horizon} has counted, from the simulator's ground
 * truth (README "How it reads Kore.ai"): those Kore.ai reported closed within the horizon after their start. A
 * session reported closed later may still be counted up to one re-read of its start later (its last re-read comes
 * after start + horizon, or at the first read for one that started longer than the horizon before it): where ground
 * truth puts a session in that edge, either outcome is right, so the expectation is not exact and this fails, asking
 * for another seed or horizon.
 */
public final class HorizonTruth {
    private HorizonTruth() {
    }

    /**
     * @param floor     the first start's floor: sessions started earlier are never counted
     * @param firstRead when the first read of the sessions stream was made
     * @param edge      how long after start + horizon (or the first read) the last re-read of a start may come: the
     *                  sweep interval (or the interval, for a quiet stream) plus a cycle
     * @param asOf      the end of the run
     */
    public static List<TruthSession> counted(GroundTruth truth, String botId, Instant floor, Instant firstRead,
                                             Duration horizon, Duration edge, Instant asOf, boolean includeDeveloper) {
        List<TruthSession> started = truth.sessions(botId, asOf).stream()
                .filter(s -> !s.session().start().isBefore(floor) && s.counted(includeDeveloper)).toList();
        for (TruthSession s : started) {
            Instant horizonEnd = s.session().start().plus(horizon);
            Instant lastReRead = (horizonEnd.isAfter(firstRead) ? horizonEnd : firstRead).plus(edge);
            boolean atTheEdge = !s.closureReportedWithin(horizon) && !s.visibleClosedAt().isAfter(lastReRead)
                    && !s.visibleClosedAt().isAfter(asOf);
            assertTrue(!atTheEdge, "ground truth puts a session at the horizon's edge, where README lets the exporter"
                    + " count it or not: choose another seed or horizon; " + s);
        }
        Set<String> counted = truth.countedSessions(botId, horizon, asOf, includeDeveloper).stream()
                .map(s -> s.session().id()).collect(Collectors.toSet());
        return started.stream().filter(s -> counted.contains(s.session().id())).toList();
    }
}
