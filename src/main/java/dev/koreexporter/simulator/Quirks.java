package dev.koreexporter.simulator;

/**
 * Record shapes a real tenant shows that the default traffic leaves out, and how strict the simulator is
 * about requests. Every share is the fraction of records generated that way; the choice is hashed from the
 * record's own seed, never drawn from the generator's RNG, so switching a share on changes no other record
 * (the default traffic stays exactly what the ground-truth tests expect). Ground truth marks each such record.
 *
 * @param developerShare   sessions from Bot Builder test traffic: the session says {@code isDeveloper}
 *                         ({@code true} or {@code 1}) and each of its messages {@code isD} ({@code 1} or {@code true})
 * @param badSegmentShare  outgoing voice messages whose latency object has exactly one invalid value
 *                         ({@link SegmentDefect}); ground truth says what a correct reader observes
 * @param badSessionShare  closed sessions whose {@code end_time} is before their {@code start_time}
 * @param strictSecureForm getMessagesV2 without {@code includeSecureForm} is a 400, as the docs list it as required
 * @param agentAiEverySession every session of a bot with an {@code account-id} has an Agent AI conversation (agent
 *                         assist on every call), not only about 70 % of those handed to an agent
 */
public record Quirks(double developerShare, double badSegmentShare, double badSessionShare,
                     boolean strictSecureForm, boolean agentAiEverySession) {
    /**
     * Developer traffic in the default (demo) traffic: the exporter leaves it out (README, "How it reads
     * Kore.ai"), and the demo shows that in kore_exporter_records_excluded_total.
     */
    public static final double DEFAULT_DEVELOPER_SHARE = 0.05;

    public static final Quirks DEFAULT = new Quirks(DEFAULT_DEVELOPER_SHARE, 0, 0, true, false);

    /** Nothing unusual and nothing strict: the simulator of 0.2.0. */
    public static final Quirks NONE = new Quirks(0, 0, 0, false, false);

    public Quirks {
        for (double share : new double[]{developerShare, badSegmentShare, badSessionShare}) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("shares must be within 0..1: " + share);
            }
        }
    }

    public Quirks withDeveloperShare(double v) {
        return new Quirks(v, badSegmentShare, badSessionShare, strictSecureForm, agentAiEverySession);
    }

    public Quirks withBadSegmentShare(double v) {
        return new Quirks(developerShare, v, badSessionShare, strictSecureForm, agentAiEverySession);
    }

    public Quirks withBadSessionShare(double v) {
        return new Quirks(developerShare, badSegmentShare, v, strictSecureForm, agentAiEverySession);
    }

    public Quirks withStrictSecureForm(boolean v) {
        return new Quirks(developerShare, badSegmentShare, badSessionShare, v, agentAiEverySession);
    }

    public Quirks withAgentAiEverySession(boolean v) {
        return new Quirks(developerShare, badSegmentShare, badSessionShare, strictSecureForm, v);
    }

    /** Whether a record whose choice hash is {@code hash} is one of {@code share}. */
    static boolean chosen(long hash, double share) {
        return share > 0 && (hash >>> 11) * 0x1.0p-53 < share;
    }
}
