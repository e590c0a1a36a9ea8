package dev.koreexporter.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One file per rule: {@code invalid-NAME.yml} must fail with exactly the problems of {@code invalid-NAME.txt}
 * (one a line). An optional {@code invalid-NAME.env} holds the environment (NAME=VALUE lines); otherwise
 * the environment is empty.
 */
class InvalidConfigTest {
    static final Path DIR = Path.of("src/test/resources/config");

    static Stream<Path> cases() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.getFileName().toString().matches("invalid-.*\\.yml")).sorted().toList();
        }
        assertTrue(files.size() >= 15, "expected at least 15 invalid-*.yml cases, found " + files.size());
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsWithTheExpectedMessage(Path yml) throws IOException {
        Path golden = sibling(yml, ".txt");
        String expected = Files.readString(golden).stripTrailing();

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(yml, env(yml)));

        assertEquals(expected, e.getMessage());
        assertEquals(List.of(expected.split("\n")), e.problems());
        assertFalse(e.getMessage().contains("s3cret"), "a secret leaked into: " + e.getMessage());
    }

    private static Map<String, String> env(Path yml) throws IOException {
        Path file = sibling(yml, ".env");
        Map<String, String> env = new HashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int eq = line.indexOf('=');
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return env;
    }

    private static Path sibling(Path yml, String extension) {
        String name = yml.getFileName().toString();
        return yml.resolveSibling(name.substring(0, name.length() - ".yml".length()) + extension);
    }
}
