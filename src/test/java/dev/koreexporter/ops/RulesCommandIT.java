package dev.koreexporter.ops;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

/**
 * {@code java -jar target/kore-exporter.jar rules --config FILE} for a config with its own SLOs: the output
 * passes {@code promtool check rules}, and the promtool unit tests written for that config
 * (src/test/resources/slo/custom-slo-tests.yml: both edges of every alert) pass against it.
 */
class RulesCommandIT {
    private static final Path SLO_DIR = OpsRepo.ROOT.resolve("src/test/resources/slo");
    private static Path promtool;
    private static Path jar;

    @BeforeAll
    static void find() {
        promtool = PromtoolIT.executable("promtool");
        jar = OpsRepo.ROOT.resolve("target/kore-exporter.jar");
        if (!Files.isRegularFile(jar)) {
            fail(jar + " is missing: build it first (mvn -B package); this test builds nothing.");
        }
    }

    @Test
    void customSloRulesPassPromtoolCheckAndTheirUnitTests(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("custom-rules.yml");
        Files.writeString(rules, run(dir, java(), "-Xmx64m", "-XX:+UseSerialGC", "-jar", jar.toString(), "rules", "--config",
                SLO_DIR.resolve("custom-slo.yml").toString()).stdout);
        assertTrue(Files.readString(rules).contains("alert: KoreAsrLatencyBudgetBurn"), Files.readString(rules));

        String check = run(dir, promtool.toString(), "check", "rules", rules.toString()).stdout;
        assertTrue(check.contains("SUCCESS"), check);

        Files.copy(SLO_DIR.resolve("custom-slo-tests.yml"), dir.resolve("custom-slo-tests.yml"));
        String test = run(dir, promtool.toString(), "test", "rules", "custom-slo-tests.yml").stdout;
        assertFalse(test.contains("FAILED"), test);
        assertTrue(test.contains("SUCCESS"), test);
    }

    @Test
    void theJarPrintsTheShippedRulesForAConfigWithoutSlo(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("kore.yml");
        Files.writeString(config, """
                bots:
                  - name: billing-voice
                    id: st-1
                    client-id: cs-1
                    client-secret: s3cret-inline
                """);
        Result r = run(dir, java(), "-Xmx64m", "-XX:+UseSerialGC", "-jar", jar.toString(), "rules", "--config", config.toString());
        assertEquals(Files.readString(OpsRepo.RULES.resolve("kore-alerts.yml")), r.stdout,
                "stdout holds the rule file and nothing else (logs and warnings go to stderr)");
    }

    private record Result(String stdout, String stderr) {
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static Result run(Path dir, String... command) {
        try {
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), String.join(" ", command) + " finished");
            Result r = new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            assertEquals(0, p.exitValue(), () -> String.join(" ", new ArrayList<>(List.of(command))) + " failed:\n"
                    + r.stdout + r.stderr);
            return r;
        } catch (IOException e) {
            return fail("cannot run " + List.of(command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }
}
