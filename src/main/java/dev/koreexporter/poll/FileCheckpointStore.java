package dev.koreexporter.poll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** One JSON file per bot in the state dir, replaced by write-to-temp, fsync, rename, fsync dir. */
public final class FileCheckpointStore implements CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public FileCheckpointStore(Path dir) {
        this.dir = dir;
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
        }
        try {
            return Optional.of(JSON.readValue(bytes, Checkpoint.class));
        } catch (JsonProcessingException e) {
            throw new IOException("checkpoint " + file + " is not readable JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void save(String botName, Checkpoint checkpoint) throws IOException {
        Files.createDirectories(dir);
        Path target = file(botName);
        Path temp = dir.resolve(botName + ".checkpoint.json.tmp");
        byte[] bytes = JSON.writeValueAsBytes(checkpoint);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
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
