package dev.koreexporter.bench;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.testing.TestConfig;

/** Small pieces the benchmarks share. */
final class BenchSupport {
    private BenchSupport() {
    }

    static ExporterConfig.Bot configOf(SimBot b) {
        return TestConfig.builder().bot(b.name(), b.botId(), b.clientId(), b.clientSecret())
                .set("bots[0].account-id", b.accountId()).set("bots[0].channels", b.channels()).bot();
    }
}
