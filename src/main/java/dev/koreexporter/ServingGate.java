package dev.koreexporter;

import dev.koreexporter.config.Shard;
import dev.koreexporter.poll.Checkpoint;
import dev.koreexporter.poll.CheckpointLock;
import dev.koreexporter.poll.CheckpointStore;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A checkpoint store whose writes wait until the HTTP server is serving. The first cycles start before the
 * server (they are most of the time to ready); if the server then fails to start, no checkpoint has moved,
 * so nothing counted in this process (and never exported) is skipped by the next one.
 */
final class ServingGate implements CheckpointStore {
    private final CheckpointStore store;
    private final CountDownLatch decided = new CountDownLatch(1);
    private volatile boolean serving;

    ServingGate(CheckpointStore store) {
        this.store = store;
    }

    /** The server is up: writes go through from now on (waiting ones too). */
    void open() {
        serving = true;
        decided.countDown();
    }

    /** The server did not start: every write, now or later, fails. */
    void abandon() {
        decided.countDown();
    }

    @Override
    public Shard layout() {
        return store.layout();
    }

    @Override
    public Optional<Checkpoint> load(String botName) throws IOException {
        return store.load(botName);
    }

    @Override
    public boolean mayCount(String botName) {
        return store.mayCount(botName);
    }

    @Override
    public Optional<CheckpointLock> tryLock(String botName) throws IOException {
        return store.tryLock(botName);
    }

    /**
     * Called with the poller's lock held (it checkpoints under its lock), so a poller waits here for the
     * server; nothing else needs that lock meanwhile, and {@link #open}/{@link #abandon} always follow.
     */
    @Override
    public void save(String botName, Checkpoint checkpoint) throws IOException {
        // Checked first: once open, a write never waits (a poller interrupted at shutdown still saves).
        if (!serving) {
            awaitDecision(botName);
        }
        if (!serving) {
            throw new IOException("bot=" + botName + " checkpoint not written: the HTTP server did not start");
        }
        store.save(botName, checkpoint);
    }

    private void awaitDecision(String botName) throws InterruptedIOException {
        try {
            decided.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("bot=" + botName + " checkpoint: interrupted before the server started");
        }
    }
}
