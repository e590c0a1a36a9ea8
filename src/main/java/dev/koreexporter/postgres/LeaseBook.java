package dev.koreexporter.postgres;

import dev.koreexporter.kore.Ticker;
import dev.koreexporter.poll.Ownership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases this replica holds, as its own monotonic clock judges them (README "Running several replicas"). A lease
 * counts as held until {@code lease - margin} after the statement that took or last renewed it was sent: the database
 * started its lease later than that, by its own clock, so this replica stops counting and exporting the bot before any
 * other replica can take it, even after a pause of the whole process (judged when asked, never by a timer that a pause
 * would delay). A lease not renewed is {@code LOST} here until the bot's slot has stopped and released it; only then may
 * the bot be taken again, so a poller never outlives the lease it started under.
 */
final class LeaseBook implements Ownership {
    enum State {
        HELD, LEAVING, LOST
    }

    record Lease(long token, long deadline, State state) {
    }

    /** Gives a lease up in the database once its bot's final checkpoint is written. */
    interface Releaser {
        void release(String bot, long token);
    }

    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final Ticker ticker;
    private final long validNanos;
    private final Releaser releaser;
    private volatile String problem;

    LeaseBook(Duration lease, Ticker ticker, Releaser releaser) {
        this.ticker = ticker;
        // A tenth of the lease for what clocks may drift apart meanwhile (they drift by parts per million).
        this.validNanos = lease.toNanos() - lease.toNanos() / 10;
        this.releaser = releaser;
    }

    @Override
    public boolean holds(String bot) {
        return in(bot, State.HELD);
    }

    @Override
    public boolean leaving(String bot) {
        return in(bot, State.LEAVING);
    }

    private boolean in(String bot, State state) {
        Lease l = leases.get(bot);
        return l != null && l.state() == state && ticker.nanos() - l.deadline() < 0;
    }

    @Override
    public void release(String bot) {
        Lease l = leases.remove(bot);
        if (l != null && l.state() == State.LEAVING && ticker.nanos() - l.deadline() < 0) {
            releaser.release(bot, l.token());
        }
    }

    @Override
    public String problem() {
        return problem;
    }

    void problem(String why) {
        problem = why;
    }

    /** Bots held now (not leaving), for {@code kore_exporter_owned_bots}. */
    int owned() {
        return (int) leases.keySet().stream().filter(this::holds).count();
    }

    /** Whether the bot has an entry: held, leaving, or lost and not yet released by its slot. */
    boolean known(String bot) {
        return leases.containsKey(bot);
    }

    /** The token of the bot's lease (however it stands: the database judges a write made under it). */
    OptionalLong token(String bot) {
        Lease l = leases.get(bot);
        return l == null ? OptionalLong.empty() : OptionalLong.of(l.token());
    }

    /** Bot to token of the leases to renew: held or leaving, and not yet run out here. */
    Map<String, Long> renewable() {
        long now = ticker.nanos();
        Map<String, Long> out = new HashMap<>();
        leases.forEach((bot, l) -> {
            if (l.state() != State.LOST && now - l.deadline() < 0) {
                out.put(bot, l.token());
            }
        });
        return out;
    }

    /** Taken under {@code token} by a statement sent at {@code sentAt} (ticker nanos). */
    void acquired(String bot, long token, long sentAt) {
        leases.put(bot, new Lease(token, sentAt + validNanos, State.HELD));
    }

    /**
     * A round sent at {@code sentAt} asked to renew {@code asked} and the database renewed {@code renewed}: those last
     * a lease more from {@code sentAt}; the others asked for are lost.
     */
    void renewed(Map<String, Long> asked, Map<String, Long> renewed, long sentAt) {
        asked.forEach((bot, token) -> leases.computeIfPresent(bot, (b, l) -> {
            if (l.token() != token || l.state() == State.LOST) {
                return l;
            }
            return token.equals(renewed.get(bot)) ? new Lease(token, sentAt + validNanos, l.state())
                    : new Lease(token, l.deadline(), State.LOST);
        }));
    }

    /** The bot is placed on another replica now: hand it over after its final checkpoint. */
    void leave(String bot) {
        leases.computeIfPresent(bot, (b, l) -> l.state() == State.HELD ? new Lease(l.token(), l.deadline(), State.LEAVING)
                : l);
    }

    /** Marks the leases that ran out here (not renewed in time) lost; their bots, whose slots must stop them. */
    List<String> expire() {
        long now = ticker.nanos();
        List<String> out = new ArrayList<>();
        leases.forEach((bot, l) -> {
            if (l.state() != State.LOST && now - l.deadline() >= 0
                    && leases.replace(bot, l, new Lease(l.token(), l.deadline(), State.LOST))) {
                out.add(bot);
            }
        });
        return out;
    }

    /** Nanos until the first lease held here runs out, or {@code Long.MAX_VALUE}. */
    long untilFirstDeadline() {
        long now = ticker.nanos();
        return leases.values().stream().filter(l -> l.state() != State.LOST).mapToLong(l -> l.deadline() - now).min()
                .orElse(Long.MAX_VALUE);
    }
}
