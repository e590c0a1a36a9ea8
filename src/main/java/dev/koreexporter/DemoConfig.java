package dev.koreexporter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.koreexporter.simulator.KoreSimulator;
import dev.koreexporter.simulator.SimBot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's configuration: the simulator's address and bots, a short poll interval so data shows within
 * seconds, and a throw-away state dir. A {@code --config} file given with {@code --demo} supplies the other
 * settings; environment overrides apply afterwards as always.
 */
final class DemoConfig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DemoConfig() {
    }

    static String yaml(KoreSimulator sim, Path userConfig, Path stateDir) throws IOException {
        ObjectNode root = userConfig == null ? YAML.createObjectNode()
                : (ObjectNode) YAML.readTree(Files.readString(userConfig));
        ObjectNode kore = root.has("kore") ? (ObjectNode) root.get("kore") : root.putObject("kore");
        kore.put("base-url", sim.baseUrl().toString());
        if (userConfig == null) {
            root.putObject("poll").put("interval", "5s");
            root.putObject("state").put("dir", stateDir.toString());
        }
        ArrayNode bots = root.putArray("bots");
        for (SimBot b : sim.bots()) {
            ObjectNode bot = bots.addObject()
                    .put("name", b.name())
                    .put("id", b.botId())
                    .put("client-id", b.clientId())
                    .put("client-secret", b.clientSecret());
            if (b.accountId() != null) {
                bot.put("account-id", b.accountId());
            }
            ArrayNode channels = bot.putArray("channels");
            b.channels().forEach(channels::add);
        }
        return YAML.writeValueAsString(root);
    }
}
