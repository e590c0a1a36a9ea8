package dev.koreexporter.postgres;

import dev.koreexporter.config.ExporterConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One JDBC connection to the state database, opened when first needed and again after any failure, used by one
 * caller at a time. No pool: a replica needs two connections (leases, checkpoints), each busy a few milliseconds per
 * statement; a pool library would add a dependency and threads to keep two connections open. Every connect and read is
 * bounded by {@code timeout}, so a database that stops answering fails a statement instead of holding a lease's renewal
 * past the lease. Errors carry pgjdbc's messages, which name the host and port, never the password.
 */
final class Database implements AutoCloseable {
    /** What is done with the connection; it may be left in any state on a failure (the connection is closed). */
    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private final String url;
    private final Properties properties = new Properties();
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection;

    Database(ExporterConfig.Postgresql db, Duration timeout, String purpose) {
        this.url = db.url();
        int seconds = (int) Math.max(1, timeout.toSeconds());
        properties.setProperty("user", db.user());
        properties.setProperty("password", db.password().reveal());
        properties.setProperty("connectTimeout", Integer.toString(seconds));
        properties.setProperty("loginTimeout", Integer.toString(seconds));
        properties.setProperty("socketTimeout", Integer.toString(seconds));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "kore-exporter " + purpose);
    }

    <T> T run(Work<T> work) throws SQLException {
        lock.lock();
        try {
            if (connection == null) {
                connection = DriverManager.getConnection(url, properties);
            }
            try {
                return work.apply(connection);
            } catch (SQLException | RuntimeException e) {
                closeConnection();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in one transaction. */
    <T> T transaction(Work<T> work) throws SQLException {
        return run(c -> {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // broken anyway: the next call opens another
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeConnection();
        } finally {
            lock.unlock();
        }
    }
}
