package dev.koreexporter.config;

import java.util.List;

/**
 * The configuration is invalid. Carries every problem found, each naming the key path and the rule,
 * so that one run of {@code --check-config} shows them all. Messages never contain secret values.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
