package dev.koreexporter.poll;

/** A bot's checkpoint held under an OS file lock; closing releases it. */
public interface CheckpointLock extends AutoCloseable {
    String botName();

    @Override
    void close();
}
