package dev.koreexporter.ops;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** promtool: the Prometheus config and rules are valid and the rule unit tests pass. */
class PromtoolIT {
    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = executable("promtool");
    }

    /** An executable on the PATH; fails (never skips) when it is missing. */
    static Path executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail(name + " is not installed (not on PATH). .ci/run installs it "
                + "(apt-get install -y --no-install-recommends prometheus gives prometheus and promtool 2.42).");
    }

    @Test
    void configIsValid() {
        run("check", "config", rel(OpsRepo.PROMETHEUS_YML));
    }

    @Test
    void rulesAreValid() {
        List<String> args = new ArrayList<>(List.of("check", "rules"));
        OpsRepo.ruleFiles().forEach(f -> args.add(rel(f)));
        assertTrue(args.size() > 2, "rule files");
        run(args.toArray(String[]::new));
    }

    @Test
    void ruleUnitTestsPass() {
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        OpsRepo.ruleTestFiles().forEach(f -> args.add(rel(f)));
        assertTrue(args.size() > 2, "rule test files");
        String out = run(args.toArray(String[]::new));
        assertFalse(out.contains("FAILED"), out);
    }

    private static String run(String... args) {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(OpsRepo.ROOT.toFile()).redirectErrorStream(true).start();
            // Output is small; reading it to the end also waits for the process.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "promtool finished");
            assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + out);
            return out;
        } catch (IOException e) {
            return fail("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }

    private static String rel(Path p) {
        return OpsRepo.ROOT.relativize(p).toString();
    }
}
