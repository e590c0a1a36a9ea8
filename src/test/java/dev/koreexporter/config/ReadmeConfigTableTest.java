package dev.koreexporter.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README's configuration table is the config table ({@link ConfigKeys}) row for row, so the two cannot drift
 * apart: a new key fails here until README shows it (the message is the table to paste).
 */
class ReadmeConfigTableTest {
    private static final String HEADER = "| key | default | meaning |";

    @Test
    void theReadmeTableIsTheConfigTable() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int header = readme.indexOf(HEADER);
        List<String> rows = readme.subList(header + 2, readme.size()).stream()
                .takeWhile(line -> line.startsWith("|")).toList();
        String expected = String.join("\n", ConfigKeys.rows().stream().map(ConfigKey::readmeRow).toList());
        assertEquals(expected, String.join("\n", rows), "README \"Configuration\" must list every key of ConfigKeys");
    }

    @Test
    void everyHistogramOfTheCatalogueIsNamed() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertEquals(List.of(), Compound.HISTOGRAMS.stream().filter(h -> !readme.contains("`" + h + "`")).toList());
    }
}
