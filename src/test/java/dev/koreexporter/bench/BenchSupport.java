package dev.koreexporter.bench;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Secret;
import dev.koreexporter.simulator.SimBot;

/** Small pieces the benchmarks share. */
final class BenchSupport {
    private BenchSupport() {
    }

    static ExporterConfig.Bot configOf(SimBot b) {
        return new ExporterConfig.Bot(b.name(), b.botId(), b.clientId(), new Secret(b.clientSecret()), b.accountId(),
                b.channels());
    }
}
