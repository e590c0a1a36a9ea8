package dev.koreexporter.simulator.lab;

import java.util.Locale;

/** The failure modes the simulator can be switched into; {@link #wireName()} is used by {@code /sim/faults}. */
public enum FaultType {
    /** Every matching request gets 429 (with Retry-After when the fault says so). */
    RATE_LIMIT_STORM,
    /** 429 answers (real or storm) carry no Retry-After header. */
    NO_RETRY_AFTER,
    /** Every matching request gets the fault's status (500, 502 or 503). */
    SERVER_ERROR,
    /** Responses are delayed by the fault's delay. */
    SLOW,
    /** The body is not JSON. */
    MALFORMED_JSON,
    /** The body stops in the middle of the JSON (with a consistent Content-Length). */
    TRUNCATED_BODY,
    /** The connection is dropped after part of the body was sent (best effort). */
    CONNECTION_RESET,
    /** A page starts one record early, repeating the last record of the previous page. */
    PAGE_SHIFT,
    /** Some records of each page are broken for good (see {@link Defect}); ground truth marks them invalid. */
    BAD_RECORDS,
    /** The simulator's notion of now (and its {@code Date} header) is off by the fault's skew. */
    CLOCK_SKEW,
    /** getMessagesV2 does not exist, as on an older tenant: 404 with Kore.ai's error body. */
    V2_MISSING,
    /** The messages endpoints ignore {@code channelType}: every channel's messages for any channel asked. */
    IGNORE_CHANNEL_TYPE,
    /** getSessions without {@code containmentType} returns closed sessions only, never active ones. */
    CLOSED_SESSIONS_ONLY,
    /** Every page holds at most {@link #SMALL_PAGE} records, whatever limit was asked (no error). */
    SMALL_PAGES,
    /** Records of each page come in the reverse of the order asked for (or documented). */
    UNORDERED;

    /** The page cap under {@link #SMALL_PAGES}: far below every documented page size. */
    public static final int SMALL_PAGE = 10;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static FaultType fromWire(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
