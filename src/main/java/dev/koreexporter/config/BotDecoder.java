package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.config.ExporterConfig.Bot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Decodes {@code bots:}: required keys, the client secret (inline or from a file), channels, duplicates. */
final class BotDecoder {
    static final List<String> KEYS = List.of("name", "id", "client-id", "client-secret", "client-secret-file",
            "account-id", "channels");
    /** Voice is what the exporter is for, and Kore.ai's voice gateway is the common voice channel. */
    static final List<String> DEFAULT_CHANNELS = List.of("korevg");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

    private final Problems problems;
    private final List<String> warnings;

    BotDecoder(Problems problems, List<String> warnings) {
        this.problems = problems;
        this.warnings = warnings;
    }

    List<Bot> bots(JsonNode list, String path) {
        if (list != null && !list.isNull() && !list.isArray()) {
            problems.add(path, "must be a list, got " + Section.describe(list));
            return List.of();
        }
        if (list == null || list.isNull() || list.isEmpty()) {
            problems.add(path, "at least one bot is required");
            return List.of();
        }
        List<Bot> bots = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode element = list.get(i);
            if (!element.isObject()) {
                // One problem for the entry, not one "required" per missing key.
                problems.add(path + "[" + i + "]", "must be a mapping, got " + Section.describe(element));
                continue;
            }
            Section b = Section.of(element, path + "[" + i + "]", problems, KEYS);
            Bot bot = bot(b);
            unique(names, bot.name(), i, b.path("name"), "bot name");
            unique(ids, bot.id(), i, b.path("id"), "bot id");
            bots.add(bot);
        }
        return bots;
    }

    private Bot bot(Section b) {
        String name = b.required("name");
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            problems.add(b.path("name"), "must match " + NAME.pattern() + " (it is the bot label), got \"" + name + "\"");
        }
        String id = b.required("id");
        String clientId = b.required("client-id");
        Secret secret = secret(b);
        String accountId = b.string("account-id", null);
        return new Bot(name, id, clientId, secret, accountId, channels(b));
    }

    private Secret secret(Section b) {
        boolean inline = b.has("client-secret");
        boolean file = b.has("client-secret-file");
        if (inline && file) {
            problems.add(b.path("client-secret"), "not allowed together with client-secret-file, set only one");
            return new Secret("");
        }
        if (inline) {
            return new Secret(b.string("client-secret", ""));
        }
        if (!file) {
            problems.add(b.path("client-secret"), "required (or client-secret-file)");
            return new Secret("");
        }
        String pathText = b.string("client-secret-file", null);
        if (pathText == null) {
            return new Secret("");
        }
        Path path = Path.of(pathText);
        String content;
        try {
            content = ConfigFiles.read(path);
        } catch (IOException e) {
            problems.add(b.path("client-secret-file"), ConfigFiles.cannotRead(path, e));
            return new Secret("");
        }
        String w = ConfigFiles.groupOrOtherReadable(path);
        if (w != null) {
            warnings.add(b.path("client-secret-file") + ": " + w);
        }
        // Files written by echo or an editor end in a newline that is not part of the secret.
        String value = content.replaceAll("[\\r\\n]+$", "");
        if (value.isEmpty()) {
            problems.add(b.path("client-secret-file"), "\"" + path + "\" is empty");
        }
        return new Secret(value);
    }

    private List<String> channels(Section b) {
        JsonNode list = b.get("channels");
        if (list == null) {
            return DEFAULT_CHANNELS;
        }
        String path = b.path("channels");
        if (!list.isArray()) {
            problems.add(path, "must be a list of strings, got " + Section.describe(list));
            return DEFAULT_CHANNELS;
        }
        if (list.isEmpty()) {
            problems.add(path, "must not be empty");
            return DEFAULT_CHANNELS;
        }
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = path + "[" + i + "]";
            if (problems.isBad(at)) {
                continue;
            }
            String channel = b.text(list.get(i), at, null);
            if (channel != null && channels.contains(channel)) {
                problems.add(at, "duplicate channel \"" + channel + "\"");
            } else if (channel != null) {
                channels.add(channel);
            }
        }
        return channels;
    }

    private void unique(Map<String, Integer> seen, String value, int index, String path, String what) {
        if (value.isEmpty() || problems.isBad(path)) {
            return;
        }
        Integer first = seen.putIfAbsent(value, index);
        if (first != null) {
            problems.add(path, "duplicate " + what + " \"" + value + "\" (also bots[" + first + "])");
        }
    }
}
