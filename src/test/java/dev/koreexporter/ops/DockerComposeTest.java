package dev.koreexporter.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.simulator.SimulatorOptions;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docker-compose.yml wires services that exist, on the ports they listen on, with files that exist. */
class DockerComposeTest {
    private final JsonNode compose = OpsRepo.readYaml(OpsRepo.ROOT.resolve("docker-compose.yml"));
    private final JsonNode services = compose.path("services");

    @Test
    void definesTheStack() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertTrue(names.containsAll(List.of("simulator", "exporter", "prometheus", "grafana", "tempo")), "services " + names);
    }

    @Test
    void everyBindMountedHostPathExists() {
        services.fields().forEachRemaining(s -> mounts(s.getValue()).forEach((host, container) -> {
            if (host.startsWith(".") || host.startsWith("/")) {
                assertTrue(Files.exists(OpsRepo.ROOT.resolve(host).normalize()), s.getKey() + ": " + host + " exists");
            }
        }));
    }

    @Test
    void imagesArePinnedToAVersion() {
        services.fields().forEachRemaining(s -> {
            String image = s.getValue().path("image").asText();
            assertFalse(image.isBlank(), s.getKey() + ": has an image name");
            int colon = image.lastIndexOf(':');
            assertTrue(colon > image.lastIndexOf('/'), s.getKey() + ": " + image + " has a tag");
            String tag = image.substring(colon + 1);
            assertTrue(tag.matches("v?\\d+(\\.\\d+)+.*") && !tag.contains("latest"), s.getKey() + ": " + image + " pinned");
        });
    }

    @Test
    void prometheusRunsTheConfigAndRulesOfTheRepository() {
        JsonNode prometheus = services.path("prometheus");
        Map<String, String> m = mounts(prometheus);
        Path configFile = Path.of(m.get(relative(OpsRepo.COMPOSE_PROMETHEUS_YML)));
        assertEquals(Path.of(m.get(relative(OpsRepo.RULES))), configFile.resolveSibling("rules"),
                "rules mounted where rule_files (rules/*.yml, relative to the config) finds them");
        List<String> command = strings(prometheus.path("command"));
        assertTrue(command.contains("--config.file=" + configFile), "command " + command);
        assertTrue(features(command).contains("exemplar-storage"), "stores exemplars: " + command);
        assertEquals(List.of("rules/*.yml"), strings(OpsRepo.readYaml(OpsRepo.PROMETHEUS_YML).path("rule_files")));
    }

    @Test
    void prometheusScrapesNativeAndClassicHistograms() {
        List<String> command = strings(services.path("prometheus").path("command"));
        assertTrue(features(command).contains("native-histograms"), "native histograms enabled: " + command);
        String image = services.path("prometheus").path("image").asText();
        assertTrue(versionAtLeast(image.substring(image.lastIndexOf(':') + 1), 2, 45),
                image + ": scrape_classic_histograms needs Prometheus 2.45+");
        for (JsonNode job : OpsRepo.readYaml(OpsRepo.COMPOSE_PROMETHEUS_YML).path("scrape_configs")) {
            assertTrue(job.path("scrape_classic_histograms").asBoolean(),
                    job.path("job_name").asText() + ": keeps the classic buckets the rules and classic panels use");
        }
    }

    @Test
    void composePrometheusConfigIsTheRepositoryConfigPlusClassicHistograms() {
        JsonNode compose = OpsRepo.readYaml(OpsRepo.COMPOSE_PROMETHEUS_YML).deepCopy();
        compose.path("scrape_configs").forEach(job -> ((ObjectNode) job).remove("scrape_classic_histograms"));
        assertEquals(OpsRepo.readYaml(OpsRepo.PROMETHEUS_YML), compose,
                "deploy/compose/prometheus.yml differs from prometheus/prometheus.yml in more than scrape_classic_histograms");
        for (JsonNode job : OpsRepo.readYaml(OpsRepo.PROMETHEUS_YML).path("scrape_configs")) {
            assertFalse(job.has("scrape_classic_histograms"), "prometheus/prometheus.yml stays valid before 2.45");
        }
    }

    @Test
    void featureFlagsAndVersionsAreParsedAsPrometheusDoes() {
        assertEquals(Set.of("exemplar-storage", "native-histograms"), features(List.of(
                "--config.file=x", "--enable-feature=exemplar-storage,native-histograms")));
        assertEquals(Set.of("a", "b"), features(List.of("--enable-feature=a", "--enable-feature=b")));
        assertTrue(versionAtLeast("v2.55.1", 2, 45) && versionAtLeast("v3.0.0", 2, 45));
        assertFalse(versionAtLeast("v2.42.0", 2, 45));
    }

    /** Prometheus takes --enable-feature more than once and comma-separated lists in each. */
    private static Set<String> features(List<String> command) {
        Set<String> out = new TreeSet<>();
        command.stream().filter(c -> c.startsWith("--enable-feature="))
                .forEach(c -> out.addAll(List.of(c.substring("--enable-feature=".length()).split(","))));
        return out;
    }

    private static boolean versionAtLeast(String tag, int major, int minor) {
        String[] parts = tag.replaceFirst("^v", "").split("\\.");
        int ma = Integer.parseInt(parts[0]);
        int mi = Integer.parseInt(parts[1]);
        return ma > major || ma == major && mi >= minor;
    }

    @Test
    void prometheusScrapesTheExporterOnItsPort() {
        JsonNode job = OpsRepo.readYaml(OpsRepo.COMPOSE_PROMETHEUS_YML).path("scrape_configs").get(0);
        assertEquals("kore-exporter", job.path("job_name").asText());
        String target = job.path("static_configs").get(0).path("targets").get(0).asText();
        assertEquals("exporter:" + exporterConfig().path("server").path("port").asInt(), target);
        assertTrue(services.has(target.substring(0, target.indexOf(':'))));
    }

    @Test
    void exporterReadsTheSimulatorAndSendsSpansToTempo() {
        JsonNode exporter = services.path("exporter");
        List<String> command = strings(exporter.path("command"));
        String configPath = command.get(command.indexOf("--config") + 1);
        assertEquals(configPath, mounts(exporter).get("./deploy/compose/exporter.yml"), "config file mounted");

        URI kore = URI.create(exporterConfig().path("kore").path("base-url").asText());
        assertEquals("simulator", kore.getHost());
        List<String> simulator = strings(services.path("simulator").path("command"));
        assertEquals("simulator", simulator.get(0));
        assertEquals(simulator.get(simulator.indexOf("--port") + 1), String.valueOf(kore.getPort()), "simulator port");
        assertEquals(services.path("exporter").path("image").asText(), services.path("simulator").path("image").asText(),
                "the simulator runs from the exporter's image");

        JsonNode env = exporter.path("environment");
        assertEquals("otlp", env.path("OTEL_TRACES_EXPORTER").asText());
        URI otlp = URI.create(env.path("OTEL_EXPORTER_OTLP_ENDPOINT").asText());
        assertEquals("tempo", otlp.getHost());
        String protocol = env.path("OTEL_EXPORTER_OTLP_PROTOCOL").asText("grpc").startsWith("http") ? "http" : "grpc";
        String receiver = tempoConfig().path("distributor").path("receivers").path("otlp").path("protocols")
                .path(protocol).path("endpoint").asText();
        assertEquals(receiver.substring(receiver.lastIndexOf(':') + 1), String.valueOf(otlp.getPort()),
                "Tempo receives OTLP/" + protocol + " on the exporter's endpoint port");
    }

    @Test
    void grafanaProvisionsDataSourcesOfServicesInTheStackAndTheDashboards() {
        JsonNode grafana = services.path("grafana");
        Map<String, String> m = mounts(grafana);
        assertEquals("/etc/grafana/provisioning", m.get("./grafana/provisioning"));
        JsonNode provider = OpsRepo.readYaml(OpsRepo.ROOT.resolve("grafana/provisioning/dashboards/dashboards.yml"))
                .path("providers").get(0);
        assertEquals(provider.path("options").path("path").asText(), m.get("./grafana/dashboards"), "dashboards mounted");
        assertEquals("true", grafana.path("environment").path("GF_AUTH_ANONYMOUS_ENABLED").asText());

        Map<String, Integer> ports = Map.of(
                "prometheus", 9090,
                "tempo", tempoConfig().path("server").path("http_listen_port").asInt());
        Map<String, JsonNode> byUid = new HashMap<>();
        for (JsonNode ds : OpsRepo.readYaml(OpsRepo.ROOT.resolve("grafana/provisioning/datasources/datasources.yml"))
                .path("datasources")) {
            URI url = URI.create(ds.path("url").asText());
            assertTrue(services.has(url.getHost()), ds.path("name") + ": " + url + " is a service");
            assertEquals(ports.get(url.getHost()), url.getPort(), ds.path("name") + ": port");
            byUid.put(ds.path("uid").asText(), ds);
        }
        assertEquals("prometheus", byUid.get("prometheus").path("type").asText());
        String traceUid = byUid.get("prometheus").path("jsonData").path("exemplarTraceIdDestinations").get(0)
                .path("datasourceUid").asText();
        assertNotNull(byUid.get(traceUid), "exemplar links go to a provisioned data source");
        assertEquals("tempo", byUid.get(traceUid).path("type").asText());
    }

    @Test
    void exporterPortMatchesTheImage() throws Exception {
        String dockerfile = Files.readString(OpsRepo.ROOT.resolve("Dockerfile"));
        int port = exporterConfig().path("server").path("port").asInt();
        assertTrue(dockerfile.contains("EXPOSE " + port), "Dockerfile exposes " + port);
        assertTrue(strings(services.path("exporter").path("ports")).contains(port + ":" + port));
        assertTrue(Set.of(strings(services.path("simulator").path("ports")).toArray()).contains("8080:8080"));
    }

    private JsonNode exporterConfig() {
        return OpsRepo.readYaml(OpsRepo.ROOT.resolve("deploy/compose/exporter.yml"));
    }

    private JsonNode tempoConfig() {
        List<String> command = strings(services.path("tempo").path("command"));
        String file = command.stream().filter(c -> c.startsWith("-config.file=")).findFirst().orElseThrow()
                .substring("-config.file=".length());
        String host = mounts(services.path("tempo")).entrySet().stream().filter(e -> e.getValue().equals(file))
                .findFirst().orElseThrow().getKey();
        return OpsRepo.readYaml(OpsRepo.ROOT.resolve(host));
    }

    /** host path -> container path of a service's volumes. */
    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> m = new HashMap<>();
        for (String v : strings(service.path("volumes"))) {
            String[] parts = v.split(":");
            m.put(parts[0], parts[1]);
        }
        return m;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String relative(Path p) {
        return "./" + OpsRepo.ROOT.relativize(p);
    }

    @Test
    void exporterConfigIsValidAndUsesTheSimulatorsDemoBots() {
        var config = ConfigLoader.load(OpsRepo.ROOT.resolve("deploy/compose/exporter.yml"),
                Map.of()).config();
        var demo = SimulatorOptions.DEMO_BOTS;
        assertEquals(demo.size(), config.bots().size());
        for (int i = 0; i < demo.size(); i++) {
            var sim = demo.get(i);
            var bot = config.bots().get(i);
            assertEquals(List.of(sim.name(), sim.botId(), sim.clientId(), sim.clientSecret(), String.valueOf(sim.accountId()), sim.channels()),
                    List.of(bot.name(), bot.id(), bot.clientId(), bot.clientSecret().reveal(), String.valueOf(bot.accountId()), bot.channels()),
                    "bot " + sim.name());
        }
    }
}
