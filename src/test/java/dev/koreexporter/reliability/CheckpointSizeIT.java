package dev.koreexporter.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.metrics.store.BotSeriesState;
import dev.koreexporter.poll.Checkpoint;
import dev.koreexporter.poll.FileCheckpointStore;
import dev.koreexporter.simulator.SimulatorOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What carrying a bot's series values costs its checkpoint (README "Reliability and security", "Performance and
 * sizing"): one busy voice bot of the simulator's label mix (two channels, its languages and providers) at 100
 * sessions a minute ({@code -Dcheckpoint.rate}), polled by a real poller for {@code -Dcheckpoint.minutes} (30) after
 * an hour of history. Prints
 * the file's size, the series values' share, and the time to serialise and to write it (temp file, fsync, rename,
 * directory fsync, on this machine's disk), and keeps them in {@code target/checkpoint-size.txt}.
 */
class CheckpointSizeIT {
    /** A series' values in the checkpoint: a count per classic bucket, the sum, the native buckets' counts. */
    private static final int BYTES_PER_SERIES = 1024;

    @TempDir
    Path stateDir;

    @Test
    void aBusyBotsSeriesValuesStayCompact() throws Exception {
        SimulatorOptions sim = SimulatorOptions.defaults().withPort(0).withSeed(20261207)
                .withBots(SimulatorOptions.DEMO_BOTS.subList(0, 1)).withHistory(Duration.ofHours(1))
                .withSessionsPerMinutePerBot(Double.parseDouble(System.getProperty("checkpoint.rate", "100")));
        try (FaultHarness h = new FaultHarness(stateDir, sim)) {
            FaultHarness.Run run = h.start();
            run.cycles(Duration.ofMinutes(Long.getLong("checkpoint.minutes", 30)));
            String bot = h.bots.getFirst().name();
            FileCheckpointStore store = new FileCheckpointStore(stateDir);
            Checkpoint cp = store.load(bot).orElseThrow();
            ObjectMapper json = new ObjectMapper();
            long file = Files.size(stateDir.resolve(bot + ".checkpoint.json"));
            int seriesBytes = json.writeValueAsBytes(cp.series()).length;
            int series = cp.series().metrics().stream().mapToInt(m -> m.series().size()).sum();
            long nativeSeries = cp.series().metrics().stream().flatMap(m -> m.series().stream())
                    .filter(s -> s.nativeBuckets() != null).count();

            int rounds = 50;
            long[] whole = new long[rounds];
            long[] values = new long[rounds];
            long[] writes = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                json.writeValueAsBytes(cp);
                long t1 = System.nanoTime();
                BotSeriesState state = cp.series();
                json.writeValueAsBytes(state);
                long t2 = System.nanoTime();
                store.save(bot, cp);
                writes[i] = System.nanoTime() - t2;
                whole[i] = t1 - t0;
                values[i] = t2 - t1;
            }
            String figures = String.format("""
                    bot at %s sessions/min (simulator label mix, %.0f messages counted): checkpoint %,d bytes, \
                    series values %,d bytes (%.0f %%) for %d series (%d with native buckets), %d bytes a series
                    serialise: whole checkpoint p50 %.2f ms, the series values p50 %.2f ms; \
                    write (temp, fsync, rename, dir fsync) p50 %.1f ms, p90 %.1f ms
                    """, System.getProperty("checkpoint.rate", "100"), run.metrics().sum("kore_messages_total"), file,
                    seriesBytes, 100.0 * seriesBytes / file, series, nativeSeries, seriesBytes / series, median(whole),
                    median(values), median(writes), percentile(writes, 0.9));
            System.out.print(figures);
            Files.writeString(Path.of("target", "checkpoint-size.txt"), figures);

            assertTrue(series > 100, "the simulator's label mix: " + series + " series");
            assertTrue(seriesBytes <= series * BYTES_PER_SERIES, figures);
        }
    }

    private static double median(long[] nanos) {
        return percentile(nanos, 0.5);
    }

    private static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e6;
    }
}
