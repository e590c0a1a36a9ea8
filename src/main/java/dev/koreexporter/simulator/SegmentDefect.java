package dev.koreexporter.simulator;

/**
 * One invalid value in an outgoing message's latency object (see {@link Quirks#badSegmentShare()}). The
 * message itself stays valid: a correct reader drops a segment whose {@code durationMs} is invalid (with its
 * other fields), drops only the one observation for another invalid field, and makes no turn observation for
 * an invalid {@code totalMs} (the lab's ground truth says what it then observes).
 */
public enum SegmentDefect {
    ASR_DURATION_NEGATIVE(Part.ASR),
    BOT_DURATION_NAN(Part.BOT),
    BOT_DURATION_NOT_A_NUMBER(Part.BOT),
    TTS_DURATION_OVER_TEN_MINUTES(Part.TTS),
    TTS_FIRST_BYTE_NEGATIVE(Part.TTS),
    TTS_AUDIO_LENGTH_NEGATIVE(Part.TTS),
    TTS_CHARACTERS_NEGATIVE(Part.TTS),
    ASR_CONFIDENCE_ABOVE_ONE(Part.ASR),
    TOTAL_NEGATIVE(Part.TOTAL),
    TOTAL_NOT_A_NUMBER(Part.TOTAL);

    enum Part { TOTAL, ASR, BOT, TTS }

    private final Part part;

    SegmentDefect(Part part) {
        this.part = part;
    }

    /** Whether this defect can show on {@code l} (a turn without TTS has no TTS field to break). */
    boolean fits(TurnLatency l) {
        return switch (this) {
            case ASR_DURATION_NEGATIVE, ASR_CONFIDENCE_ABOVE_ONE -> l.hasAsr();
            case TTS_DURATION_OVER_TEN_MINUTES, TTS_AUDIO_LENGTH_NEGATIVE, TTS_CHARACTERS_NEGATIVE -> l.hasTts();
            case TTS_FIRST_BYTE_NEGATIVE -> l.firstByteMs() >= 0;
            default -> true;
        };
    }

    /** Picks a defect that fits {@code l} from {@code hash}; BOT and TOTAL always fit. */
    static SegmentDefect pick(long hash, TurnLatency l) {
        SegmentDefect[] all = values();
        int start = (int) Math.floorMod(hash, (long) all.length);
        for (int i = 0; i < all.length; i++) {
            SegmentDefect d = all[(start + i) % all.length];
            if (d.fits(l)) {
                return d;
            }
        }
        throw new IllegalStateException("BOT defects always fit");
    }

    /** The duration that stands in the wire for the segment this defect breaks (a JSON number or string). */
    Object wireDuration() {
        return switch (this) {
            case ASR_DURATION_NEGATIVE -> -120;
            case BOT_DURATION_NAN -> "NaN";
            case BOT_DURATION_NOT_A_NUMBER -> "slow";
            case TTS_DURATION_OVER_TEN_MINUTES -> 600_001;
            case TOTAL_NEGATIVE -> -1;
            case TOTAL_NOT_A_NUMBER -> "n/a";
            default -> null;
        };
    }

    Part part() {
        return part;
    }
}
