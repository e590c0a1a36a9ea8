package dev.koreexporter.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recommended JVM flags every launcher uses (README "Quick start"), read from the Dockerfile's KORE_JVM_FLAGS. */
final class LauncherFlags {
    private LauncherFlags() {
    }

    static List<String> read() throws IOException {
        Matcher m = Pattern.compile("KORE_JVM_FLAGS=\"([^\"]+)\"").matcher(Files.readString(Path.of("Dockerfile")));
        assertTrue(m.find(), "KORE_JVM_FLAGS in the Dockerfile");
        List<String> flags = List.of(m.group(1).trim().split("\\s+"));
        assertTrue(flags.contains("-Xmx64m") && flags.contains("-XX:+ExitOnOutOfMemoryError"), flags.toString());
        return flags;
    }
}
