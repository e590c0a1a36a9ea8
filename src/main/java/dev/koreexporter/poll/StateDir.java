package dev.koreexporter.poll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;

/**
 * Whether {@code state.dir} can hold checkpoints (README "Configuration", docs/reliability.md): a directory (created
 * when missing) in which files can be created, written, synced and locked. Checked when the daemon starts, which
 * exits 2 otherwise, and by {@code --check-config}, which creates nothing that stays: for a missing directory it
 * checks where it would be created. Both probe with a file of their own, deleted at once, never a bot's lock file.
 */
public final class StateDir {
    private StateDir() {
    }

    /** Makes the directory if missing and checks it; the problem naming {@code state.dir} and why, if any. */
    public static Optional<String> prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return Optional.of(problem(dir, e));
        }
        return check(dir, dir);
    }

    /** Checks without creating the directory: when missing, its nearest existing ancestor must be usable. */
    public static Optional<String> check(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.of("state.dir: " + dir + ": no part of the path exists");
        }
        return check(dir, existing);
    }

    private static Optional<String> check(Path dir, Path existing) {
        if (!Files.isDirectory(existing)) {
            return Optional.of("state.dir: " + dir + " is " + (existing.equals(dir.toAbsolutePath())
                    || existing.equals(dir) ? "not a directory" : "a path under a regular file (" + existing + ")"));
        }
        Path probe = existing.resolve(".kore-exporter-probe-" + ProcessHandle.current().pid());
        try (FileChannel ch = Modes.open(probe, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            ch.write(ByteBuffer.wrap(new byte[]{'k'}));
            ch.force(true);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.of("state.dir: " + dir + ": file locks do not work there (" + e.getMessage()
                        + "); checkpoints are held under a lock per bot");
            }
            if (lock != null) {
                lock.release();
            }
        } catch (IOException e) {
            return Optional.of(problem(dir, e));
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // It could be created, so it can usually be deleted; a stale probe file harms nothing.
            }
        }
        return Optional.empty();
    }

    /** Why a file could not be created or written there, in words a user can act on. */
    static String problem(Path dir, IOException e) {
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
        String why;
        if (e instanceof AccessDeniedException) {
            why = "no permission to create files there";
        } else if (reason.contains("Read-only file system")) {
            why = "a read-only file system";
        } else if (e instanceof NotDirectoryException || reason.contains("Not a directory")
                || e instanceof FileAlreadyExistsException) {
            why = "a path under a regular file";
        } else {
            why = "cannot write there";
        }
        return "state.dir: " + dir + ": " + why + " (" + reason + ")";
    }
}
