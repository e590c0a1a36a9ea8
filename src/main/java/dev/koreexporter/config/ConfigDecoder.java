package dev.koreexporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.koreexporter.config.ConfigKey.Rule;
import dev.koreexporter.config.ConfigKeys.Group;

import java.util.List;

/**
 * Decodes the YAML tree (after {@code ${ENV}} resolution and env overrides) into {@link ExporterConfig} by the
 * config table ({@link ConfigKeys}): each mapping strictly (unknown keys are errors), each key by its kind, then
 * its default when absent or wrong, then its rules with the keys decoded before it. Collects every problem.
 */
final class ConfigDecoder {
    private final Problems problems;
    private final List<String> warnings;
    private final Values root = new Values();

    ConfigDecoder(Problems problems, List<String> warnings) {
        this.problems = problems;
        this.warnings = warnings;
    }

    /** The config, or null when there were problems (they are in {@link Problems}). */
    ExporterConfig decode(JsonNode tree) {
        mapping(Section.of(tree, "", problems, ConfigKeys.children("")), "", root);
        return problems.isEmpty() ? ExporterConfig.of(root) : null;
    }

    /** One entry of a list of mappings ({@code bots[1]}), by the rows under the list's path. */
    Values decode(JsonNode entry, String path) {
        String template = path.replaceAll("\\[\\d+]$", "[]");
        Values values = new Values();
        mapping(Section.of(entry, path, problems, ConfigKeys.children(template)), template, values);
        return values;
    }

    Problems problems() {
        return problems;
    }

    List<String> warnings() {
        return warnings;
    }

    /** The values of the file's top level decoded so far. */
    Values root() {
        return root;
    }

    private void mapping(Section s, String template, Values values) {
        for (String name : ConfigKeys.children(template)) {
            String path = template.isEmpty() ? name : template + "." + name;
            ConfigKey<?> key = ConfigKeys.row(path);
            if (key != null) {
                key(key, s, values);
            } else if (applies(ConfigKeys.group(path), s, name, values)) {
                mapping(s.section(name, ConfigKeys.children(path)), path, values);
            }
        }
    }

    private boolean applies(Group group, Section s, String name, Values values) {
        if (group == null) {
            return true;
        }
        if (group.when() == null) {
            return s.has(name);
        }
        if (group.appliesTo(values)) {
            return true;
        }
        if (s.has(name) && !problems.isBad(values.path(group.when()))) {
            problems.add(s.path(name), "only allowed when " + group.when().path() + " is " + group.shown());
        }
        return false;
    }

    private <T> void key(ConfigKey<T> key, Section s, Values values) {
        String name = key.name();
        String at = s.path(name);
        T value = null;
        if (key.kind().present(s, name)) {
            value = checked(key, key.kind().read(s, name, this), at, values);
        } else if (key.isRequired() && !problems.isBad(at)) {
            problems.add(at, key.kind().required(name));
        }
        values.put(key, at, value != null ? value : key.fallback().apply(values));
    }

    private <T> T checked(ConfigKey<T> key, T value, String at, Values values) {
        if (value == null) {
            return null;
        }
        for (Rule<T> rule : key.rules()) {
            if (rule.after().stream().anyMatch(k -> problems.isBad(values.path(k)))) {
                continue;
            }
            String wrong = rule.check().apply(value, values);
            if (wrong != null) {
                problems.add(at, wrong);
                return null;
            }
        }
        return value;
    }
}
