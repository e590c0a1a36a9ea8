package dev.koreexporter.security;

import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorOptions;
import dev.koreexporter.testing.MetricsText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code metrics.max-series-per-metric} from the config file bounds the daemon's series (README "Metrics"): with a
 * bound of 1 a bot keeps one series of a metric and folds every other channel and language into its overflow
 * series, counting what it folded.
 */
class SeriesBoundConfigIT {
    private static final String COUNT = "kore_turn_latency_seconds_count";
    private static final Pattern CHANNEL_LANGUAGE = Pattern.compile("channel=\"([^\"]*)\".*language=\"([^\"]*)\"");

    @Test
    void theConfiguredBoundFoldsABotsSeriesBeyondIt(@TempDir Path dir) throws Exception {
        List<SimBot> bots = SimulatorOptions.DEMO_BOTS.subList(0, 1);
        String bot = bots.get(0).name();
        try (SimulatedDaemon d = new SimulatedDaemon(bots, bots, false, "metrics:\n  max-series-per-metric: 1\n",
                dir.resolve("state"))) {
            d.awaitReady();
            MetricsText text = MetricsText.parse(d.get("/metrics", null).body());
            Set<String> kept = new TreeSet<>();
            text.family(COUNT).keySet().stream().filter(k -> k.contains("bot=\"" + bot + "\"")).forEach(k -> {
                Matcher m = CHANNEL_LANGUAGE.matcher(k);
                assertTrue(m.find(), k);
                kept.add(m.group(1) + "/" + m.group(2));
            });
            assertEquals(2, kept.size(), "one series and the overflow series: " + kept);
            assertTrue(kept.contains("other/other"), kept.toString());
            assertTrue(text.value("kore_exporter_series_folded_total", "bot", bot, "metric",
                    "kore_turn_latency_seconds") > 0, "folded series are counted");
        }
    }
}
