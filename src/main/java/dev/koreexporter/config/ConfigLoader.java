package dev.koreexporter.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the exporter's config (README, "Configuration"): YAML, then {@code ${ENV}} references, then environment
 * overrides ({@code SERVER_PORT}...), then strict decoding with defaults and validation. Either returns a
 * complete config or throws a {@link ConfigException} listing every problem. Never prints anything.
 */
public final class ConfigLoader {
    /** The config and the warnings (e.g. a secret file readable by others) for the caller to log. */
    public record Loaded(ExporterConfig config, List<String> warnings) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private static final String DUPLICATE = "Duplicate field ";

    private ConfigLoader() {
    }

    /** @throws ConfigException listing every problem, including an unreadable file */
    public static Loaded load(Path file, Map<String, String> env) {
        String text;
        try {
            text = ConfigFiles.read(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(ConfigFiles.cannotRead(file, e)));
        }
        List<String> warnings = new ArrayList<>();
        String w = ConfigFiles.groupOrOtherReadable(file);
        if (w != null) {
            warnings.add("config file " + w);
        }
        return loadYaml(text, file.toString(), env, warnings);
    }

    /**
     * Loads a config held in memory (demo mode); env overrides apply as for a file.
     *
     * @param sourceName names the YAML in messages about its syntax, e.g. {@code demo}
     * @throws ConfigException listing every problem
     */
    public static Loaded loadYaml(String yaml, String sourceName, Map<String, String> env) {
        return loadYaml(yaml, sourceName, env, new ArrayList<>());
    }

    private static Loaded loadYaml(String yaml, String sourceName, Map<String, String> env, List<String> warnings) {
        JsonNode tree = parse(yaml, sourceName);
        Problems problems = new Problems();
        if (tree instanceof ObjectNode root) {
            EnvReferences.resolve(root, env, problems);
            EnvOverrides.apply(root, env, problems);
        } else if (tree == null || tree.isMissingNode() || tree.isNull()) {
            // An empty file: still honour overrides, then let the decoder say what is missing.
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            EnvOverrides.apply(root, env, problems);
            tree = root;
        } else {
            throw new ConfigException(List.of(sourceName + ": must be a mapping of sections (server, kore, poll, "
                    + "state, metrics, tracing, bots, slo), got " + Section.describe(tree)));
        }
        ExporterConfig config = new ConfigDecoder(problems, warnings).decode(tree);
        problems.throwIfAny();
        return new Loaded(config, warnings);
    }

    private static JsonNode parse(String yaml, String sourceName) {
        try {
            return YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(sourceName + ": invalid YAML" + where(e) + ": " + reason(e)));
        }
    }

    private static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** SnakeYAML's full message quotes the offending line, which may hold a secret: keep only the problem. */
    private static String reason(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            return m.getProblem();
        }
        String message = e.getOriginalMessage();
        return message.startsWith(DUPLICATE) ? "duplicate key \"" + message.substring(DUPLICATE.length())
                .replace("'", "") + "\"" : message;
    }
}
