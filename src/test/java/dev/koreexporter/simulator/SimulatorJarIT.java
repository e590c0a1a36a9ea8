package dev.koreexporter.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static dev.koreexporter.simulator.SimTestClient.body;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar's {@code simulator} command (docker-compose runs it) serves the Kore.ai API and nothing of the
 * lab, which is not in the jar at all.
 */
class SimulatorJarIT {
    private static final Path JAR = Path.of("target/kore-exporter.jar");

    @TempDir
    Path tmp;

    @Test
    void theJarHoldsTheSimulatorWithoutItsLab() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build it with `mvn package` (mvn verify does) first");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> simulator = jar.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("dev/koreexporter/simulator/")).toList();
            assertTrue(simulator.contains("dev/koreexporter/simulator/KoreSimulator.class"), simulator.toString());
            assertEquals(List.of(), simulator.stream().filter(n -> n.startsWith("dev/koreexporter/simulator/lab/")).toList());
            assertEquals(List.of(), jar.stream().map(e -> e.getName()).filter(n -> n.contains("ManualClock")).toList());
        }
    }

    @Test
    void theSimulatorCommandServesPagesAndNoAdminRoutes() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process sim = new ProcessBuilder(java, "-Xmx128m", "-jar", JAR.toString(), "simulator", "--port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("simulator.log").toFile()).start();
        try {
            SimTestClient client = new SimTestClient(URI.create("http://127.0.0.1:" + port));
            SimBot billing = SimulatorOptions.DEMO_BOTS.getFirst();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> client.post(billing, "getSessions", body("limit", 5)).status() == 200);
            var page = client.post(billing, "getSessions", body("limit", 5));
            assertEquals(5, page.json().path("sessions").size());
            assertTrue(page.json().path("total").asInt() > 5, "an hour of history: " + page.json().path("total"));
            assertEquals(401, client.raw("POST", SimTestClient.path(billing, "getSessions"), Map.of("auth", "x"), body())
                    .status());
            for (String path : List.of("/sim/truth", "/sim/faults", "/sim/stats", "/sim/bots")) {
                assertEquals(404, client.raw("GET", path, Map.of(), null).status(), path);
            }
        } finally {
            sim.destroy();
            assertTrue(sim.waitFor(10, TimeUnit.SECONDS), "SIGTERM stops the simulator");
        }
    }
}
