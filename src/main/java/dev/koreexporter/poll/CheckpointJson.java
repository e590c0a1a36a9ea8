package dev.koreexporter.poll;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * A checkpoint's bytes, the same wherever it is kept (a file, a database row): the JSON of {@link Checkpoint},
 * whatever it holds, so every store keeps exactly what the file store does.
 */
public final class CheckpointJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointJson() {
    }

    public static byte[] bytes(Checkpoint checkpoint) throws JsonProcessingException {
        return JSON.writeValueAsBytes(checkpoint);
    }

    /**
     * Writes the same bytes as {@link #bytes} to {@code out}, without holding them: a busy bot's checkpoint is
     * megabytes (its seen ids), and three bots writing theirs at once as arrays filled {@code -Xmx64m}. Leaves
     * {@code out} open.
     */
    public static void write(Checkpoint checkpoint, OutputStream out) throws IOException {
        JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, checkpoint);
    }

    /**
     * @param unreadable the exception that names the checkpoint, given why it cannot be used; its message never quotes
     *                   the content
     */
    public static Checkpoint parse(byte[] bytes, Function<String, CorruptCheckpointException> unreadable)
            throws CorruptCheckpointException {
        Checkpoint checkpoint;
        try {
            checkpoint = JSON.readValue(bytes, Checkpoint.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw unreadable.apply(bytes.length == 0 ? "empty" : "not valid checkpoint JSON");
        } catch (IOException e) {
            throw unreadable.apply("not valid checkpoint JSON");
        }
        if (checkpoint == null) {
            throw unreadable.apply("JSON null");
        }
        if (checkpoint.version() < 1 || checkpoint.version() > Checkpoint.VERSION) {
            throw unreadable.apply("unknown version " + checkpoint.version());
        }
        return checkpoint;
    }
}
