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
 * Kore.ai shows it; an active session is followed and, once the window has moved past its start, looked up by
 * id in the cycles where follow-ups are due (the first, then once a sweep interval has passed since the last).
 */
final class ReferenceReader {
    /** A record counted at {@code at}, in cycle {@code cycle} (0 = the first after the start). */
    record Counted(RecordKind kind, Instant recordTime, Instant at, int cycle) {
        double delaySeconds() {
            return Duration.between(recordTime, at).toMillis() / 1000.0;
        }
    }

    private final Duration lookback;
    private final Duration sweepInterval;
    private final Instant floor;

    ReferenceReader(Duration lookback, Duration sweepInterval, Instant floor) {
        this.lookback = lookback;
        this.sweepInterval = sweepInterval;
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
        if (j == 0) {
            return floor;
        }
        Instant f = cycles.get(j - 1).minus(lookback);
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
        Set<String> followed = new HashSet<>();
        Instant lastFollowUp = null;
        for (int j = 0; j < cycles.size(); j++) {
            Instant t = cycles.get(j);
            Instant from = from(cycles, j);
            boolean followUps = lastFollowUp == null || !t.isBefore(lastFollowUp.plus(sweepInterval));
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
                } else if (inWindow && !s.visibleActiveAt().isAfter(t)) {
                    followed.add(id);
                } else if (!inWindow && followUps && closed && followed.contains(id) && start.isBefore(from)) {
                    counted.add(id);
                    out.add(new Counted(RecordKind.SESSION, s.session().end(), t, j));
                }
            }
            if (followUps) {
                lastFollowUp = t;
            }
        }
    }
}
