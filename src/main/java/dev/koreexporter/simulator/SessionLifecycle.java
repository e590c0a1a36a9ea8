package dev.koreexporter.simulator;

/**
 * When a generated session is closed and what it logs after its {@code end_time} (README "Development").
 */
public enum SessionLifecycle {
    /**
     * As recorded on production voice bots: {@code end_time} is the last activity, and Kore.ai closes the session
     * only after its bot's inactivity timeout ({@link SimBot#inactivityTimeout()}, 15 min by default) has passed
     * since its last activity, logging a closing bot message under it 15-22 min after {@code end_time}; some
     * sessions carry on with minutes of dialogue after {@code end_time}. A session is reported closed (with its
     * containment) only from its close: 25-45 min after its start for typical voice sessions.
     */
    INACTIVITY_CLOSE,
    /** The API docs' reading, and the simulator of 0.3.0: a session is closed at its {@code end_time}. */
    CLOSED_AT_END
}
