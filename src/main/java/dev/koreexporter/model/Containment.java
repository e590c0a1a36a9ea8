package dev.koreexporter.model;

import java.util.Optional;

/** How a closed session ended, as Kore.ai's {@code containmentType}. */
public enum Containment {
    SELF_SERVICE("selfService"),
    DROP_OFF("dropOff"),
    AGENT("agent");

    private final String wireName;

    Containment(String wireName) {
        this.wireName = wireName;
    }

    /** The value Kore.ai uses on the wire and the exporter uses as the {@code containment} label. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Containment> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Containment c : values()) {
            if (c.wireName.equalsIgnoreCase(value)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
