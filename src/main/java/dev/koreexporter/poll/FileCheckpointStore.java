package dev.koreexporter.poll;

import dev.koreexporter.config.Shard;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;

/**
 * One JSON file per bot in the state dir, replaced by write-to-temp, fsync, rename, fsync dir; checkpoints, their temp
 * files and lock files are created 0600 ({@link Modes}).
 */
public final class FileCheckpointStore implements CheckpointStore {
    private final Path dir;
    private final Shard layout;

    /** The state dir of a replica without {@code --shard}. */
    public FileCheckpointStore(Path dir) {
        this(dir, Shard.ALL);
    }

    /** The state dir of replica {@code layout} ({@code --shard}). */
    public FileCheckpointStore(Path dir, Shard layout) {
        this.dir = dir;
        this.layout = layout;
    }

    @Override
    public Shard layout() {
        return layout;
    }

    public Path dir() {
        return dir;
    }

    private Path file(String botName) {
        return dir.resolve(botName + ".checkpoint.json");
    }

    @Override
    public Optional<Checkpoint> load(String botName) throws IOException {
        Path file = file(botName);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            // It exists: starting afresh would count the backfill again and replace it.
            throw new CorruptCheckpointException(file, "permission denied");
        }
        Checkpoint checkpoint = CheckpointJson.parse(bytes, why -> new CorruptCheckpointException(file, why));
        return Optional.of(checkpoint);
    }

    /**
     * An exclusive OS lock on {@code <bot>.lock} in the state dir. On one host it excludes other processes;
     * on network file systems it is only as good as their lock support (README "Reliability and security").
     */
    @Override
    public Optional<CheckpointLock> tryLock(String botName) throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = Modes.open(dir.resolve(botName + ".lock"),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM already (another poller of the same bot)
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            return Optional.empty();
        }
        FileLock held = lock;
        return Optional.of(new CheckpointLock() {
            @Override
            public String botName() {
                return botName;
            }

            @Override
            public void close() {
                try (ch) {
                    held.release();
                } catch (IOException ignored) {
                    // closing the channel releases the lock anyway
                }
            }
        });
    }

    @Override
    public void save(String botName, Checkpoint checkpoint) throws IOException {
        Files.createDirectories(dir);
        Path target = file(botName);
        Path temp = dir.resolve(botName + ".checkpoint.json.tmp");
        try (FileChannel ch = Modes.open(temp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            // Streamed to the file, never held whole (CheckpointJson#write); the channel stays open for the fsync.
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
            CheckpointJson.write(checkpoint, out);
            out.flush();
            ch.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        // The rename is durable only once the directory entry is: fsync the directory too.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot open a directory for fsync; the rename itself is still atomic.
        }
    }
}
