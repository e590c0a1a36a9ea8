package dev.koreexporter.poll;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that exists but cannot be used (truncated, not JSON, JSON {@code null}, unknown version,
 * not readable).
 * The file is left exactly as it was: the user deletes it to start afresh (README "Reliability and security").
 */
public final class CorruptCheckpointException extends IOException {
    private final Path file;

    public CorruptCheckpointException(Path file, String why) {
        super("checkpoint " + file + " is unreadable (" + why + "); delete it to start this bot afresh");
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
