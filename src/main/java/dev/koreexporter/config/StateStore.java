package dev.koreexporter.config;

import java.util.Locale;

/** {@code state.store}: where checkpoints live (README "Configuration"). */
public enum StateStore {
    /** Files under {@code state.dir}, one process polling each bot. */
    FILE,
    /** A PostgreSQL database shared by replicas, each bot polled by one of them at a time under a lease. */
    POSTGRESQL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
