package dev.koreexporter.bench;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.testing.TestConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small pieces the benchmarks share. */
final class BenchSupport {
    private BenchSupport() {
    }

    static ExporterConfig.Bot configOf(SimBot b) {
        return TestConfig.builder().bot(b.name(), b.botId(), b.clientId(), b.clientSecret())
                .set("bots[0].account-id", b.accountId()).set("bots[0].channels", b.channels()).bot();
    }

    /**
     * A memory field of {@code /proc/PID/status} in MiB: {@code VmRSS} (resident), {@code RssAnon} (its anonymous
     * part: heap, malloc, stacks, code cache; what no other process shares and the kernel cannot drop).
     */
    static double statusMiB(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no " + field + " for " + pid);
    }

    /** The machine's 1-minute load average: how much the timings of a section waited for a core. */
    static Row loadAverage(String section) throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return Row.info(section + ".loadavg", section + ": machine load average (1 min) at the end, on "
                + Runtime.getRuntime().availableProcessors() + " cores", Double.parseDouble(fields[0]), "load");
    }
}
