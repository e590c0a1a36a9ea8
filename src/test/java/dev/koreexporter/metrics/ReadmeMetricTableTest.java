package dev.koreexporter.metrics;

import dev.koreexporter.metrics.catalogue.KoreMeter;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's metric and bucket tables say exactly what the catalogue ({@link KoreMeter}) declares. */
class ReadmeMetricTableTest {
    private static List<String[]> rows(String header) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf(header);
        if (start < 0) {
            throw new AssertionError("README has no table headed " + header);
        }
        return lines.subList(start + 2, lines.size()).stream().takeWhile(l -> l.startsWith("|"))
                .map(l -> Arrays.stream(l.substring(1, l.length() - 1).split("\\|")).map(String::trim)
                        .toArray(String[]::new))
                .toList();
    }

    private static String unquote(String cell) {
        return cell.replace("`", "");
    }

    @Test
    void theMetricTableListsEveryMeterWithItsTypeAndLabels() throws IOException {
        Map<String, String> readme = new LinkedHashMap<>();
        for (String[] row : rows("| name | type | labels | meaning |")) {
            readme.put(unquote(row[0]), row[1] + " | " + row[2]);
        }
        Map<String, String> catalogue = new LinkedHashMap<>();
        for (KoreMeter m : KoreMeter.values()) {
            catalogue.put(m.metricName(), m.type().label() + " | " + String.join(", ", m.labels()));
        }
        assertEquals(catalogue.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList(),
                readme.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList());
    }

    @Test
    void theBucketTableGivesEveryHistogramsDefaultBounds() throws IOException {
        Map<String, List<Double>> readme = rows("| histogram | bounds |").stream().collect(Collectors.toMap(
                row -> unquote(row[0]),
                row -> Arrays.stream(row[1].replace("*", "").split(",")).map(String::trim).map(Double::valueOf)
                        .toList()));
        Map<String, List<Double>> catalogue = KoreMeter.histograms().stream()
                .collect(Collectors.toMap(KoreMeter::metricName, KoreMeter::buckets));
        assertEquals(catalogue, readme);
    }
}
