package dev.koreexporter.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.Durations;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.Secret;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Config objects for tests, built as the daemon builds them: a test sets the keys it is about, by their names in
 * the config file, and the config table decodes them with every other key's default and rule. So tests never
 * restate a default, and a new config key changes no test that does not use it.
 * <pre>{@code
 * ExporterConfig.Poll poll = TestConfig.builder().set("poll.interval", Duration.ofMillis(50)).poll();
 * ExporterConfig.Bot bot = TestConfig.builder().bot("billing", "st-1", "cs-1", "secret").set("bots[0].account-id", "acc").bot();
 * }</pre>
 * Without a bot, one named {@code bot} is added, since a config needs one.
 */
public final class TestConfig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final ObjectNode root = JsonNodeFactory.instance.objectNode();

    private TestConfig() {
    }

    public static TestConfig builder() {
        return new TestConfig();
    }

    /**
     * Sets {@code key} (as written in the file, {@code kore.rate-limit.per-minute}, {@code bots[0].channels}) to
     * {@code value}: a string, number, boolean, {@link Duration}, {@link Path}, {@link URI}, enum, {@link Secret}
     * or a list of them. Null leaves the key out.
     */
    public TestConfig set(String key, Object value) {
        JsonNode parent = root;
        String[] parts = key.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            ObjectNode object = (ObjectNode) parent;
            if (bracket < 0 && last) {
                if (value == null) {
                    object.remove(name);
                } else {
                    object.set(name, node(value));
                }
                return this;
            }
            if (bracket < 0) {
                parent = object.has(name) ? object.get(name) : object.putObject(name);
                continue;
            }
            int index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
            ArrayNode list = object.has(name) ? (ArrayNode) object.get(name) : object.putArray(name);
            while (list.size() <= index) {
                list.addObject();
            }
            parent = list.get(index);
        }
        return this;
    }

    /** Appends a bot with these keys (channels and the rest at their defaults). */
    public TestConfig bot(String name, String id, String clientId, String secret) {
        int i = root.has("bots") ? root.get("bots").size() : 0;
        return set("bots[" + i + "].name", name).set("bots[" + i + "].id", id).set("bots[" + i + "].client-id", clientId)
                .set("bots[" + i + "].client-secret", secret);
    }

    /** Appends {@code bot} as it is. */
    public TestConfig bot(ExporterConfig.Bot bot) {
        int i = root.has("bots") ? root.get("bots").size() : 0;
        return bot(bot.name(), bot.id(), bot.clientId(), bot.clientSecret().reveal())
                .set("bots[" + i + "].account-id", bot.accountId()).set("bots[" + i + "].channels", bot.channels());
    }

    /** The config as {@code ConfigLoader} decodes it (no environment); a broken rule throws its message. */
    public ExporterConfig build() {
        ObjectNode yaml = root.deepCopy();
        if (!yaml.has("bots")) {
            yaml.putArray("bots").addObject().put("name", "bot").put("id", "st-bot").put("client-id", "cs-bot")
                    .put("client-secret", "test-secret");
        }
        try {
            return ConfigLoader.loadYaml(YAML.writeValueAsString(yaml), "test config", Map.of()).config();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public ExporterConfig.Poll poll() {
        return build().poll();
    }

    public ExporterConfig.Kore kore() {
        return build().kore();
    }

    public ExporterConfig.Metrics metrics() {
        return build().metrics();
    }

    public List<ExporterConfig.Bot> bots() {
        return build().bots();
    }

    /** The first bot. */
    public ExporterConfig.Bot bot() {
        return bots().getFirst();
    }

    private static JsonNode node(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (value) {
            case String s -> f.textNode(s);
            case Integer n -> f.numberNode(n);
            case Long n -> f.numberNode(n);
            case Double n -> f.numberNode(n);
            case Boolean b -> f.booleanNode(b);
            case Duration d -> f.textNode(Durations.format(d));
            case Secret s -> f.textNode(s.reveal());
            case Enum<?> e -> f.textNode(e.name().toLowerCase(Locale.ROOT));
            case List<?> list -> {
                ArrayNode array = f.arrayNode();
                list.forEach(v -> array.add(node(v)));
                yield array;
            }
            case Path p -> f.textNode(p.toString());
            case URI u -> f.textNode(u.toString());
            default -> throw new IllegalArgumentException("no config value: " + value.getClass());
        };
    }
}
