package dev.koreexporter.simulator.lab;

import dev.koreexporter.kore.Endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Faults switched on and off at run time, in-process or through {@code /sim/faults}. */
public final class FaultControl {
    private final List<Active> active = new ArrayList<>();

    private static final class Active {
        final Fault fault;
        Integer remaining;

        Active(Fault fault) {
            this.fault = fault;
            this.remaining = fault.count();
        }
    }

    /** Switches a fault on, next to those already on. */
    public synchronized void set(Fault fault) {
        active.add(new Active(fault));
    }

    public synchronized void clear() {
        active.clear();
    }

    /** The faults still on, with the requests they have left as {@code count}. */
    public synchronized List<Fault> active() {
        return active.stream().map(a -> new Fault(a.fault.type(), a.fault.botId(), a.fault.endpoint(), a.remaining,
                a.fault.status(), a.fault.delay(), a.fault.skew(), a.fault.retryAfter())).toList();
    }

    /** The faults that apply to one request; counted ones are used up by it. */
    synchronized Applied take(String botId, Endpoint endpoint) {
        List<Fault> applied = new ArrayList<>();
        for (var it = active.iterator(); it.hasNext(); ) {
            Active a = it.next();
            if (!a.fault.matches(botId, endpoint)) {
                continue;
            }
            applied.add(a.fault);
            if (a.remaining != null && --a.remaining == 0) {
                it.remove();
            }
        }
        return new Applied(List.copyOf(applied));
    }

    record Applied(List<Fault> faults) {
        Fault first(FaultType type) {
            return faults.stream().filter(f -> f.type() == type).findFirst().orElse(null);
        }

        boolean has(FaultType type) {
            return first(type) != null;
        }

        Duration skew() {
            return faults.stream().filter(f -> f.type() == FaultType.CLOCK_SKEW).map(Fault::skew)
                    .reduce(Duration.ZERO, Duration::plus);
        }
    }
}
