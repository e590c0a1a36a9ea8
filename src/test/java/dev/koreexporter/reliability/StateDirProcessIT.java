package dev.koreexporter.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar with an unusable {@code state.dir} (docs/reliability.md): the daemon exits 2 at start naming
 * {@code state.dir} and why, and {@code --check-config} says the same. Tests run as root, which no permission bit
 * stops: the "no permission" case runs the jar as user {@code nobody} ({@code setpriv}).
 */
class StateDirProcessIT {
    private static final Path JAR = Path.of("target/kore-exporter.jar").toAbsolutePath();

    @TempDir
    Path tmp;

    private Path config(Path stateDir) throws IOException {
        Path config = tmp.resolve("config-" + Math.abs(stateDir.hashCode()) + ".yaml");
        Files.writeString(config, """
                server:
                  port: 0
                  host: 127.0.0.1
                kore:
                  base-url: http://127.0.0.1:9
                state:
                  dir: %s
                bots:
                  - name: billing
                    id: st-1
                    client-id: cs-1
                    client-secret: %s
                """.formatted(stateDir, "s".repeat(40)));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        return config;
    }

    /** Runs the jar to its exit (at most 60 s); its exit code and output. */
    private record Exit(int code, String output) {
    }

    private Exit run(List<String> prefix, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java, "-Xmx64m", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OTEL_TRACES_EXPORTER", "none");
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exited: " + cmd);
            return new Exit(p.exitValue(), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aStateDirUnderARegularFileExits2NamingItAndCheckConfigSaysTheSame() throws Exception {
        Path stateDir = Files.writeString(tmp.resolve("not-a-dir"), "x").resolve("state");
        Path config = config(stateDir);
        for (String[] args : List.of(new String[]{"--config", config.toString()},
                new String[]{"--check-config", "--config", config.toString()})) {
            Exit exit = run(List.of(), args);
            assertEquals(2, exit.code(), exit.output());
            assertTrue(exit.output().contains("state.dir: " + stateDir)
                    && exit.output().contains("a path under a regular file"), exit.output());
        }
    }

    @Test
    void aStateDirItsUserMayNotWriteExits2NamingIt() throws Exception {
        Path stateDir = Files.createDirectories(tmp.resolve("root-owned"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = config(stateDir);
        List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        for (String[] args : List.of(new String[]{"--config", config.toString()},
                new String[]{"--check-config", "--config", config.toString()})) {
            Exit exit = run(asNobody, args);
            assertEquals(2, exit.code(), exit.output());
            assertTrue(exit.output().contains("state.dir: " + stateDir)
                    && exit.output().contains("no permission"), exit.output());
        }
        assertEquals(List.of(), Files.list(stateDir).toList(), "nothing written there");
    }
}
