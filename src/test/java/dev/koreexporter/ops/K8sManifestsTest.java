package dev.koreexporter.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import java.io.UncheckedIOException;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** deploy/k8s: manifests parse, and what refers to what (ports, labels, volumes, shard count) agrees. */
class K8sManifestsTest {
    private static final Path DIR = OpsRepo.ROOT.resolve("deploy/k8s");
    private final Map<String, JsonNode> byKind = manifests();
    private final JsonNode sts = byKind.get("StatefulSet");
    private final JsonNode pod = sts.path("spec").path("template").path("spec");
    private final JsonNode container = pod.path("containers").path(0);

    @TempDir
    Path secrets;

    private static Map<String, JsonNode> manifests() {
        Map<String, JsonNode> out = new HashMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs = OpsRepo.YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                    for (JsonNode doc : docs.readAll()) {
                        if (!doc.isNull() && doc.has("kind")) {
                            assertEquals(null, out.put(doc.path("kind").asText(), doc), "one " + doc.path("kind") + " only");
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void theExpectedKindsAreThereAndKustomizationListsEveryFile() throws IOException {
        assertEquals(Set.of("Kustomization", "ConfigMap", "Secret", "Service", "StatefulSet", "ServiceMonitor"),
                byKind.keySet());
        List<String> listed = new ArrayList<>();
        byKind.get("Kustomization").path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> present = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().toList();
            assertEquals(present, listed.stream().sorted().toList());
        }
    }

    @Test
    void labelsSelectorsAndPortsAgree() {
        JsonNode podLabels = sts.path("spec").path("template").path("metadata").path("labels");
        assertSelects(sts.path("spec").path("selector").path("matchLabels"), podLabels, "StatefulSet selector");
        JsonNode service = byKind.get("Service");
        assertSelects(service.path("spec").path("selector"), podLabels, "Service selector");
        assertEquals(service.path("metadata").path("name").asText(), sts.path("spec").path("serviceName").asText());
        assertSelects(byKind.get("ServiceMonitor").path("spec").path("selector").path("matchLabels"),
                service.path("metadata").path("labels"), "ServiceMonitor selector");

        JsonNode containerPort = container.path("ports").path(0);
        JsonNode servicePort = service.path("spec").path("ports").path(0);
        assertEquals(containerPort.path("name").asText(), servicePort.path("targetPort").asText());
        JsonNode endpoint = byKind.get("ServiceMonitor").path("spec").path("endpoints").path(0);
        assertEquals(servicePort.path("name").asText(), endpoint.path("port").asText());
        assertEquals("/metrics", endpoint.path("path").asText());
        assertEquals(config().server().port(), containerPort.path("containerPort").asInt(), "config server.port");
    }

    @Test
    void probesPointAtTheHealthEndpointsOnTheMetricsPort() {
        assertEquals("/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
        String port = container.path("ports").path(0).path("name").asText();
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertEquals(port, container.path(probe).path("httpGet").path("port").asText(), probe);
        }
    }

    @Test
    void theShardCountInTheArgumentsEqualsReplicasAndTheIndexIsThePodOrdinal() {
        String args = String.join(" ", texts(container.path("command"))) + " " + String.join(" ", texts(container.path("args")));
        Matcher shard = Pattern.compile("--shard \"?\\$\\{POD_NAME##\\*-}/\\$\\{SHARDS}\"?").matcher(args);
        assertTrue(shard.find(), args);
        assertEquals("metadata.name", env("POD_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText());
        assertEquals(sts.path("spec").path("replicas").asInt(), Integer.parseInt(env("SHARDS").path("value").asText()));
        assertTrue(args.contains("--config /etc/kore-exporter/config.yml"), args);
    }

    /** A removed replica's checkpoints must not be resumed by a later scale-up (README "Running several replicas"). */
    @Test
    void aScaleDownDeletesTheRemovedReplicasStateAndDeletingTheStatefulSetKeepsIt() {
        JsonNode retention = sts.path("spec").path("persistentVolumeClaimRetentionPolicy");
        assertEquals("Delete", retention.path("whenScaled").asText());
        assertEquals("Retain", retention.path("whenDeleted").asText());
    }

    @Test
    void configSecretsAndStateAreMountedWhereTheConfigLooksForThem() {
        ExporterConfig config = config();
        assertEquals(mountOf("state"), config.state().dir().toString());
        assertEquals("state", sts.path("spec").path("volumeClaimTemplates").path(0).path("metadata").path("name").asText());
        assertEquals("/etc/kore-exporter", mountOf("config"));
        String secretMount = mountOf("secrets");
        JsonNode secretData = byKind.get("Secret").path("stringData");
        for (ExporterConfig.Bot bot : config.bots()) {
            assertTrue(secretData.has(bot.name()), "secret key for " + bot.name());
        }
        assertEquals(byKind.get("Secret").path("metadata").path("name").asText(),
                volume("secrets").path("secret").path("secretName").asText());
        assertEquals(byKind.get("ConfigMap").path("metadata").path("name").asText(),
                volume("config").path("configMap").path("name").asText());
        assertTrue(configText().contains("client-secret-file: " + secretMount + "/"), "secrets read from " + secretMount);
    }

    @Test
    void runsAsNonRootWithTheBenchmarkedMemoryBudget() {
        JsonNode sec = pod.path("securityContext");
        assertTrue(sec.path("runAsNonRoot").asBoolean());
        assertTrue(sec.path("runAsUser").asInt() > 0);
        assertFalse(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
        assertEquals("192Mi", container.path("resources").path("limits").path("memory").asText());
        assertEquals("-Xmx64m -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m -Xss512k -XX:SharedArchiveFile=/opt/kore-exporter/app.jsa",
                env("JAVA_TOOL_OPTIONS").path("value").asText());
        assertEquals("2", env("MALLOC_ARENA_MAX").path("value").asText());
    }

    /** The embedded config.yml is valid for the exporter itself (secret paths pointed at temp files). */
    private ExporterConfig config() {
        String yaml = configText();
        try {
            for (String name : List.of("billing-voice", "support-ivr", "web-chat")) {
                Path f = secrets.resolve(name);
                Files.writeString(f, "not-a-real-secret");
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String rewritten = yaml.replace("/run/secrets/kore/", secrets + "/");
        return ConfigLoader.loadYaml(rewritten, "configmap", Map.of()).config();
    }

    private String configText() {
        return byKind.get("ConfigMap").path("data").path("config.yml").asText();
    }

    private JsonNode env(String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private String mountOf(String volume) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("name").asText().equals(volume)) {
                return m.path("mountPath").asText();
            }
        }
        throw new AssertionError("no mount of " + volume);
    }

    private JsonNode volume(String name) {
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
        assertTrue(selector.size() > 0, what + " is empty");
        selector.fields().forEachRemaining(e ->
                assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(), what + " " + e.getKey()));
    }
}
