package dev.koreexporter.postgres;

import dev.koreexporter.poll.Checkpoint;
import dev.koreexporter.poll.CheckpointJson;
import dev.koreexporter.poll.CheckpointStore;
import dev.koreexporter.poll.CorruptCheckpointException;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Checkpoints in the {@code kore_exporter_bots} table, the same JSON as the file store's (README "Running several
 * replicas"). A write is fenced: it is stored only under the lease this replica holds for the bot, by the database's
 * clock ({@link LeaseTable#write}); a refused write fails like a file that cannot be written, and since counts are
 * published only with a written checkpoint nothing counted under a lost lease is ever shown. The checkpoint is the
 * file store's, version 3 included: the bot's cumulative series go with it, so they move with the bot to the replica
 * that takes it over, restored there before any of its series is shown.
 */
final class PostgresCheckpointStore implements CheckpointStore {
    private final Database db;
    private final LeaseTable table;
    private final LeaseBook book;

    PostgresCheckpointStore(Database db, LeaseTable table, LeaseBook book) {
        this.db = db;
        this.table = table;
        this.book = book;
    }

    @Override
    public Optional<Checkpoint> load(String botName) throws IOException {
        Optional<byte[]> bytes;
        try {
            bytes = table.read(db, botName);
        } catch (SQLException e) {
            throw new IOException("the state store cannot be reached: " + e.getMessage(), e);
        }
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(CheckpointJson.parse(bytes.get(), why -> new CorruptCheckpointException(
                "of bot " + botName + " in table kore_exporter_bots", why,
                "set it to NULL (UPDATE kore_exporter_bots SET checkpoint = NULL WHERE bot = '" + botName
                        + "') to start this bot afresh")));
    }

    @Override
    public void save(String botName, Checkpoint checkpoint) throws IOException {
        OptionalLong token = book.token(botName);
        if (token.isEmpty()) {
            throw new IOException("this replica holds no lease on the bot");
        }
        byte[] bytes = CheckpointJson.bytes(checkpoint);
        boolean written;
        try {
            written = table.write(db, botName, token.getAsLong(), bytes);
        } catch (SQLException e) {
            throw new IOException("the state store cannot be reached: " + e.getMessage(), e);
        }
        if (!written) {
            throw new IOException("the state store refused it: this replica's lease on the bot (token "
                    + token.getAsLong() + ") has run out or another replica holds it now");
        }
    }

    @Override
    public boolean mayCount(String botName) {
        return book.holds(botName);
    }
}
