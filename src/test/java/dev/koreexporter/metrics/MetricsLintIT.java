package dev.koreexporter.metrics;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code promtool check metrics} (Prometheus' own linter) finds nothing to say about our exposition. */
class MetricsLintIT {

    @Test
    void promtoolCheckMetricsReportsNothing() throws Exception {
        String metrics = MetricsGoldenTest.render();
        Process p;
        try {
            p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("promtool is not installed: bin/test (and .ci/run) install the Debian 'prometheus' package", e);
            return;
        }
        p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        assertEquals("", output.trim(), "promtool check metrics output");
        assertEquals(0, exit);
    }
}
