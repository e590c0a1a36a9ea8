package dev.koreexporter.poll;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint that exists but cannot be used (truncated, not JSON, JSON {@code null}, unknown version, not
 * readable). It is left exactly as it was: the user deletes it to start afresh (README "Reliability and security").
 */
public final class CorruptCheckpointException extends IOException {
    private final Path file;

    public CorruptCheckpointException(Path file, String why) {
        super("checkpoint " + file + " is unreadable (" + why + "); delete it to start this bot afresh");
        this.file = file;
    }

    /**
     * A checkpoint kept elsewhere than in a file.
     *
     * @param where  which checkpoint, as the user finds it (a table and a key)
     * @param remedy how the user starts the bot afresh
     */
    public CorruptCheckpointException(String where, String why, String remedy) {
        super("checkpoint " + where + " is unreadable (" + why + "); " + remedy);
        this.file = null;
    }

    /** The file, or null for a checkpoint kept elsewhere. */
    public Path file() {
        return file;
    }
}
