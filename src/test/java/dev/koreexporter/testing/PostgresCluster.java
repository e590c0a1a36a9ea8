package dev.koreexporter.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests (README "Development"): initdb in a temporary directory, a free port on
 * 127.0.0.1, password authentication over TCP (so the exporter's password is really checked), stopped and deleted
 * afterwards. It runs the Debian package's server binaries ({@code /usr/lib/postgresql/<version>/bin}); as root they run
 * as the unprivileged {@code postgres} user (initdb refuses root). When it cannot start, the test fails saying why: it
 * is never skipped.
 *
 * <p>Use as {@code @RegisterExtension static final PostgresCluster DB = new PostgresCluster();}, or start and close
 * it by hand; {@link #database} gives each test a fresh database of its own.
 */
public final class PostgresCluster implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    public static final String USER = "kore";
    public static final String PASSWORD = "test-password-not-a-secret";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private Path dir;
    private Path bin;
    private int port;
    private boolean running;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Creates and starts the cluster (or starts it again after {@link #stop}, on the same port and data). */
    public synchronized void start() throws IOException, InterruptedException {
        if (dir == null) {
            bin = serverBinaries();
            dir = Files.createTempDirectory("kore-pg");
            port = freePort();
            if (root()) {
                UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
                Files.setOwner(dir, postgres);
            }
            Path pw = dir.resolve("pwfile");
            Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
            if (root()) {
                Files.setOwner(pw, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
            }
            run("initdb", "-D", dir.resolve("data").toString(), "-U", USER, "--pwfile=" + pw,
                    "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync");
        }
        run("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        running = true;
    }

    /** Stops the server (fast shutdown: connections are closed), keeping its data for {@link #start}. */
    public synchronized void stop() throws IOException, InterruptedException {
        if (running) {
            run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop");
            running = false;
        }
    }

    public int port() {
        return port;
    }

    /** A new, empty database; its JDBC URL. */
    public String database(String prefix) throws SQLException {
        String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + DATABASES.incrementAndGet();
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(url(database), p);
    }

    /** Connects to the database of {@code url} (one {@link #database} gave). */
    public Connection connectUrl(String url) throws SQLException {
        return connect(url.substring(url.lastIndexOf('/') + 1));
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot stop the test PostgreSQL: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary directory
                }
                dir = null;
            }
        }
    }

    private void run(String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (root()) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("kore-pg-" + tool, ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(tool + " did not finish within 90 s");
            }
            if (p.exitValue() != 0) {
                String log = dir != null && Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
                throw new IllegalStateException("test PostgreSQL: " + String.join(" ", cmd) + " exited "
                        + p.exitValue() + ": " + Files.readString(out) + log);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The newest server installed by the Debian package, or a clear failure. */
    private static Path serverBinaries() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            }
        }
        throw new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql: install the Debian package"
                + " `postgresql` (bin/test does when run as root) to run the tests of state.store: postgresql");
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
