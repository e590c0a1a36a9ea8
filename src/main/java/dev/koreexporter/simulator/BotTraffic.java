package dev.koreexporter.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * All traffic of one bot. It is generated lazily, one fixed time slice at a time, each slice from an RNG
 * seeded by (seed, bot, slice): the records depend only on the seed and simulated time, never on when or
 * how often somebody asked.
 */
final class BotTraffic {
    static final long SLICE_MS = 60_000;

    final SimBot bot;
    private final long botHash;
    private final long seed;
    private final double sessionsPerSlice;
    private final long originMs;
    private final SessionGenerator generator;
    private final TimeSortedList<SimSession> sessions = new TimeSortedList<>(s -> s.start);
    private final Map<String, SimSession> byId = new HashMap<>();
    private final Map<String, TimeSortedList<SimMessage>> messagesByChannel = new HashMap<>();
    private final TimeSortedList<SimConversation> conversations = new TimeSortedList<>(c -> c.startTime);
    private final List<long[]> pauses = new ArrayList<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile long nextSlice;

    BotTraffic(SimBot bot, long seed, double sessionsPerMinute, long originMs, long maxLatenessMs, Quirks quirks,
               SessionLifecycle lifecycle) {
        this.bot = bot;
        this.botHash = Ids.hash(bot.botId());
        this.seed = seed;
        this.sessionsPerSlice = sessionsPerMinute * SLICE_MS / 60_000.0;
        this.originMs = originMs;
        this.generator = new SessionGenerator(maxLatenessMs, quirks, lifecycle);
        this.nextSlice = Math.floorDiv(originMs, SLICE_MS);
        for (String channel : bot.channels()) {
            messagesByChannel.put(channel, new TimeSortedList<>(m -> m.createdOn));
        }
    }

    /** Generates every slice that has started by {@code now} (its sessions run on into the future). */
    void advanceTo(long now) {
        if (now < nextSlice * SLICE_MS) {
            return;
        }
        lock.writeLock().lock();
        try {
            while (nextSlice * SLICE_MS <= now) {
                generateSlice(nextSlice++);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void generateSlice(long slice) {
        SplittableRandom rnd = new SplittableRandom(Ids.mix(seed, Ids.mix(botHash, slice)));
        int n = poisson(rnd, sessionsPerSlice);
        List<SimSession> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long sessionSeed = rnd.nextLong();
            long start = slice * SLICE_MS + rnd.nextLong(SLICE_MS);
            if (start >= originMs && !paused(start)) {
                batch.add(generator.generate(bot, botHash, sessionSeed, start));
            }
        }
        batch.sort(Comparator.comparingLong(s -> s.start));
        long sliceStart = slice * SLICE_MS;
        sessions.addBatch(batch, sliceStart);
        Map<String, List<SimMessage>> byChannel = new HashMap<>();
        List<SimConversation> convs = new ArrayList<>();
        for (SimSession s : batch) {
            byId.put(s.id, s);
            byChannel.computeIfAbsent(s.channel, c -> new ArrayList<>()).addAll(List.of(s.messages));
            if (s.conversation != null) {
                convs.add(s.conversation);
            }
        }
        byChannel.forEach((channel, list) -> messagesByChannel.get(channel).addBatch(list, sliceStart));
        conversations.addBatch(convs, sliceStart);
    }

    private boolean paused(long t) {
        for (long[] p : pauses) {
            if (t >= p[0] && t < p[1]) {
                return true;
            }
        }
        return false;
    }

    static int poisson(SplittableRandom rnd, double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 30) {
            return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rnd.nextGaussian()));
        }
        double l = Math.exp(-lambda);
        double p = rnd.nextDouble();
        int k = 0;
        while (p > l) {
            p *= rnd.nextDouble();
            k++;
        }
        return k;
    }

    /** Stops new sessions from {@code now} on; sessions already started run to their end. */
    void pause(long now) {
        advanceTo(now);
        lock.writeLock().lock();
        try {
            pauses.add(new long[]{now, Long.MAX_VALUE});
            Set<SimSession> dropped = new HashSet<>();
            for (int i = sessions.upperBound(now); i < sessions.size(); i++) {
                dropped.add(sessions.get(i));
            }
            sessions.removeFrom(now + 1, dropped::contains);
            dropped.forEach(s -> byId.remove(s.id));
            messagesByChannel.values().forEach(l -> l.removeFrom(now + 1, m -> dropped.contains(m.session)));
            conversations.removeFrom(now + 1, c -> dropped.contains(c.session));
        } finally {
            lock.writeLock().unlock();
        }
    }

    void resume(long now) {
        lock.writeLock().lock();
        try {
            pauses.stream().filter(p -> p[1] == Long.MAX_VALUE).forEach(p -> p[1] = now);
        } finally {
            lock.writeLock().unlock();
        }
    }

    SimSession session(String id, long now) {
        advanceTo(now);
        lock.readLock().lock();
        try {
            return byId.get(id);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Messages of one channel ({@code null}: of every channel) with createdOn in [from, to] matching
     * {@code filter}; newest first unless {@code forward}.
     */
    Slice<SimMessage> messages(String channel, long from, long to, long now, Predicate<SimMessage> filter,
                               boolean forward, int skip, int limit) {
        if (channel == null) {
            return everyChannel(from, to, now, filter, forward, skip, limit);
        }
        advanceTo(now);
        lock.readLock().lock();
        try {
            TimeSortedList<SimMessage> list = messagesByChannel.get(channel);
            if (list == null) {
                return new Slice<>(List.of(), 0);
            }
            return page(list, list.lowerBound(from), list.upperBound(to), forward, skip, limit, filter);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Slice<SimMessage> everyChannel(long from, long to, long now, Predicate<SimMessage> filter,
                                           boolean forward, int skip, int limit) {
        List<SimMessage> all = allMessages(from, to, now).stream().filter(filter).toList();
        List<SimMessage> ordered = forward ? all : all.reversed();
        int start = Math.min(skip, ordered.size());
        return new Slice<>(List.copyOf(ordered.subList(start, Math.min(ordered.size(), start + limit))), ordered.size());
    }

    /** Sessions with start_time in [from, to] matching {@code filter}, newest start first. */
    Slice<SimSession> sessions(long from, long to, long now, Predicate<SimSession> filter, int skip, int limit) {
        advanceTo(now);
        lock.readLock().lock();
        try {
            return page(sessions, sessions.lowerBound(from), sessions.upperBound(to), false, skip, limit, filter);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Agent AI conversations with startTime in [from, to] matching {@code filter}, oldest first. */
    Slice<SimConversation> conversations(long from, long to, long now, Predicate<SimConversation> filter,
                                         int skip, int limit) {
        advanceTo(now);
        lock.readLock().lock();
        try {
            return page(conversations, conversations.lowerBound(from), conversations.upperBound(to), true, skip,
                    limit, filter);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every message of every channel with createdOn in [from, to], oldest first (for ground truth). */
    List<SimMessage> allMessages(long from, long to, long now) {
        advanceTo(now);
        lock.readLock().lock();
        try {
            List<SimMessage> out = new ArrayList<>();
            for (TimeSortedList<SimMessage> list : messagesByChannel.values()) {
                for (int i = list.lowerBound(from), end = list.upperBound(to); i < end; i++) {
                    out.add(list.get(i));
                }
            }
            out.sort(Comparator.comparingLong((SimMessage m) -> m.createdOn).thenComparing(m -> m.session.id)
                    .thenComparingInt(m -> m.seq));
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    private static <T> Slice<T> page(TimeSortedList<T> list, int lo, int hi, boolean forward, int skip, int limit,
                                     Predicate<T> filter) {
        List<T> items = new ArrayList<>(Math.min(limit, Math.max(0, hi - lo)));
        int matched = 0;
        for (int n = 0; n < hi - lo; n++) {
            T t = list.get(forward ? lo + n : hi - 1 - n);
            if (filter.test(t)) {
                if (matched >= skip && items.size() < limit) {
                    items.add(t);
                }
                matched++;
            }
        }
        return new Slice<>(items, matched);
    }
}
