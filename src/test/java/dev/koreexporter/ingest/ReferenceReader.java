package dev.koreexporter.ingest;

import dev.koreexporter.model.RecordKind;
import dev.koreexporter.simulator.lab.GroundTruth;
import dev.koreexporter.simulator.lab.TruthConversation;
import dev.koreexporter.simulator.lab.TruthMessage;
import dev.koreexporter.simulator.lab.TruthSession;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a correct reader of a quiet bot counts, and when, computed from ground truth alone (README, "How it
 * reads Kore.ai"): every cycle reads each stream's whole lookback, {@code [previous cycle - lookback, now]}
 * (the first cycle: from the floor); a record is counted in the first cycle whose window holds its time once
 * Kore.ai shows it. Sessions are read the same way by start time over the session horizon, and counted in the
 * first cycle whose window holds their start once Kore.ai shows them closed.
 */
final class ReferenceReader {
    /** A record counted at {@code at}, in cycle {@code cycle} (0 = the first after the start). */
    record Counted(RecordKind kind, Instant recordTime, Instant at, int cycle) {
        double delaySeconds() {
            return Duration.between(recordTime, at).toMillis() / 1000.0;
        }
    }

    private final Duration lookback;
    private final Duration horizon;
    private final Instant floor;

    ReferenceReader(Duration lookback, Duration horizon, Instant floor) {
        this.lookback = lookback;
        this.horizon = horizon;
        this.floor = floor;
    }

    /** The records of one bot counted over the cycles run at {@code cycles}, in order. */
    List<Counted> counted(GroundTruth truth, String botId, List<Instant> cycles, boolean conversations) {
        Instant last = cycles.getLast();
        List<Counted> out = new ArrayList<>();
        for (TruthMessage m : truth.messages(botId, floor, last, last)) {
            if (m.counted(false)) {
                first(RecordKind.MESSAGE, m.message().createdOn(), m.message().createdOn(), m.visibleAt(), cycles, out);
            }
        }
        if (conversations) {
            for (TruthConversation c : truth.conversations(botId, floor, last, last)) {
                if (c.valid()) {
                    Instant t = c.conversation().startTime();
                    first(RecordKind.CONVERSATION, t, t, c.visibleAt(), cycles, out);
                }
            }
        }
        sessions(truth.sessions(botId, last.plus(Duration.ofHours(2))), cycles, out);
        return out;
    }

    private Instant from(List<Instant> cycles, int j) {
        return from(cycles, j, lookback);
    }

    private Instant from(List<Instant> cycles, int j, Duration reach) {
        if (j == 0) {
            return floor;
        }
        Instant f = cycles.get(j - 1).minus(reach);
        return f.isBefore(floor) ? floor : f;
    }

    private void first(RecordKind kind, Instant windowTime, Instant recordTime, Instant visibleAt, List<Instant> cycles,
                       List<Counted> out) {
        for (int j = 0; j < cycles.size(); j++) {
            Instant t = cycles.get(j);
            if (!visibleAt.isAfter(t) && !windowTime.isBefore(from(cycles, j)) && !windowTime.isAfter(t)) {
                out.add(new Counted(kind, recordTime, t, j));
                return;
            }
        }
    }

    private void sessions(List<TruthSession> sessions, List<Instant> cycles, List<Counted> out) {
        Set<String> counted = new HashSet<>();
        for (int j = 0; j < cycles.size(); j++) {
            Instant t = cycles.get(j);
            Instant from = from(cycles, j, horizon);
            for (TruthSession s : sessions) {
                Instant start = s.session().start();
                String id = s.session().id();
                if (!s.counted(false) || start.isBefore(floor) || counted.contains(id)) {
                    continue;
                }
                boolean closed = !s.visibleClosedAt().isAfter(t);
                boolean inWindow = !start.isBefore(from) && !start.isAfter(t);
                if (inWindow && closed) {
                    counted.add(id);
                    out.add(new Counted(RecordKind.SESSION, s.session().end(), t, j));
                }
            }
        }
    }
}
