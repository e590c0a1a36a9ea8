package dev.koreexporter.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's configuration table names every key the loader knows, so the two cannot drift apart. */
class ReadmeConfigTableTest {
    @Test
    void everyKeyIsDocumented() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> keys = Stream.concat(
                        ConfigKeys.SCALARS.stream()
                                .filter(k -> !k.startsWith("metrics.buckets."))
                                .map(k -> k.replace("channels[]", "channels")),
                        Stream.of("server.basic-auth.users", "metrics.buckets.<histogram>", "bots"))
                .map(k -> "| `" + k + "` |").toList();
        List<String> missing = keys.stream().filter(k -> !readme.contains(k)).toList();
        assertEquals(List.of(), missing);
        List<String> histograms = ConfigKeys.HISTOGRAMS.stream().filter(h -> !readme.contains("`" + h + "`")).toList();
        assertEquals(List.of(), histograms);
    }
}
