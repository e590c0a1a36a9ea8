package dev.koreexporter.simulator;

import java.util.Locale;

/** Why the simulated tenant answers 401; {@link #message()} is the {@code msg} of its error body. */
public enum AuthFailure {
    MISSING("auth header missing"),
    MALFORMED("auth token malformed"),
    NO_APP_ID("auth token has no appId"),
    WRONG_APP("app is not authorized for this bot"),
    UNSUPPORTED_ALGORITHM("auth token algorithm not supported"),
    BAD_SIGNATURE("auth token signature invalid"),
    EXPIRED("auth token expired"),
    /** The app enforces JTI ({@link SimBot#enforceJti()}) and the token has no {@code jti} claim. */
    JTI_MISSING("JTI is required for this app: the token has no jti claim"),
    /** The app enforces JTI and the token's {@code jti} was already used within the token's lifetime. */
    JTI_REUSED("JTI has already been used");

    private final String message;

    AuthFailure(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }

    public boolean jti() {
        return this == JTI_MISSING || this == JTI_REUSED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
