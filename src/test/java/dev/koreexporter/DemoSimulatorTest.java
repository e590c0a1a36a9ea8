package dev.koreexporter;

import dev.koreexporter.simulator.KoreSimulator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --demo}'s embedded simulator listens on the loopback address only, never on the machine's other addresses. */
class DemoSimulatorTest {
    private static final String LISTEN = "0A";

    @Test
    void theDemosSimulatorListensOnLoopbackOnly() throws IOException {
        try (KoreSimulator sim = KoreSimulator.start(Main.demoSimulator())) {
            List<String> addresses = listeningAddresses(sim.port());
            assertFalse(addresses.isEmpty(), "the kernel lists the simulator's listening socket");
            // IPv4 127.0.0.1, as /proc/net/tcp writes it, or the same mapped into IPv6 (tcp6).
            for (String a : addresses) {
                assertTrue(a.equals("0100007F") || a.equals("0000000000000000FFFF00000100007F"),
                        "listening on " + a + " (hex, as in /proc/net/tcp)");
            }
        }
    }

    /** The local addresses (hex, as the kernel writes them) of the sockets listening on {@code port}. */
    private static List<String> listeningAddresses(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        List<String> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(":" + hexPort) && f[3].equals(LISTEN)) {
                    out.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return out;
    }
}
