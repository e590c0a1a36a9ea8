package dev.koreexporter.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Debian {@code chromium} browser, headless, one process per page: the DOM after the page loaded, or a
 * screenshot. Missing chromium fails the test (bin/test installs it), it never skips it.
 */
public final class HeadlessChromium {
    private final Path binary;
    private final Path work;

    private HeadlessChromium(Path binary, Path work) {
        this.binary = binary;
        this.work = work;
    }

    /** Fails with what to install when there is no chromium. */
    public static HeadlessChromium find(Path work) throws IOException {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser")));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "chromium"));
            }
        }
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return new HeadlessChromium(p, Files.createDirectories(work));
            }
        }
        return fail("chromium not found (looked in /usr/bin and PATH): install the Debian package "
                + "(apt-get install chromium; bin/test does it when run as root)");
    }

    /** The document as Chromium built it after loading {@code url} ({@code --dump-dom}). */
    public String dumpDom(String url) throws IOException, InterruptedException {
        Path out = work.resolve("dom-" + System.nanoTime() + ".html");
        run(out, List.of("--dump-dom", url));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Writes a PNG screenshot of {@code url} at {@code width} x {@code height} to {@code png}. */
    public void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(work.resolve("screenshot-" + System.nanoTime() + ".log"),
                List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                        "--hide-scrollbars", url));
        assertTrue(Files.isRegularFile(png), "chromium wrote no screenshot to " + png);
    }

    private void run(Path stdout, List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "profile");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile));
        command.addAll(args);
        Path stderr = work.resolve(stdout.getFileName() + ".stderr");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish within 120 s: " + command + ", stderr in " + stderr);
        }
        // Chromium logs harmless D-Bus errors on stderr; only its exit status tells failure.
        assertEquals(0, p.exitValue(), () -> "chromium failed: " + command + ", stderr in " + stderr);
    }
}
