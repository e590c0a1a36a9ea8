package dev.koreexporter.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One row of the config table ({@link ConfigKeys}): the key's path ({@code []} marks the entries of a list), its
 * kind, its default, whether it is required, the rules it obeys together with keys decoded before it, and its
 * line in README "Configuration". Built by the table's fluent steps, e.g.
 * {@code key("poll.lookback", duration(false, null, ONE_DAY)).byDefault("20m").doc("...")}.
 *
 * @param fallback   the value when the key is absent or wrong, from the values decoded before it
 * @param shown      the README's default column, when the default is not a literal value
 * @param uniqueAs   for the keys of a list's entries: the entries must differ in it ("bot name"), else null
 */
record ConfigKey<T>(String path, Kind<T> kind, Function<Values, T> fallback, String shown, boolean isRequired,
                    String uniqueAs, List<Rule<T>> rules, String doc) {

    /** A rule with keys decoded before: skipped while one of them (or this key) has a problem. */
    record Rule<T>(List<ConfigKey<?>> after, BiFunction<T, Values, String> check) {
    }

    ConfigKey {
        rules = List.copyOf(rules);
    }

    static <T> ConfigKey<T> key(String path, Kind<T> kind) {
        return new ConfigKey<>(path, kind, v -> null, null, false, null, List.of(), "");
    }

    /** The key's last path segment, as written in its mapping. */
    String name() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** The mapping it belongs to: {@code poll}, {@code bots[]}, or the empty root. */
    String parent() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    /** A default written as in the file ({@code 30s}), shown so in the README. */
    ConfigKey<T> byDefault(String text) {
        T value = kind.parse(text);
        return new ConfigKey<>(path, kind, v -> value, "`" + text + "`", isRequired, uniqueAs, rules, doc);
    }

    /** A default computed from the keys decoded before, shown as {@code shown}. */
    ConfigKey<T> byDefault(Function<Values, T> value, String shown) {
        return new ConfigKey<>(path, kind, value, shown, isRequired, uniqueAs, rules, doc);
    }

    /** What the README shows as the default: what happens without the key, or when it is required. */
    ConfigKey<T> shownAs(String shown) {
        return new ConfigKey<>(path, kind, fallback, shown, isRequired, uniqueAs, rules, doc);
    }

    /** Required where its mapping is read (a group's key only when the group applies). */
    ConfigKey<T> required() {
        return new ConfigKey<>(path, kind, fallback, shown, true, uniqueAs, rules, doc);
    }

    ConfigKey<T> unique(String what) {
        return new ConfigKey<>(path, kind, fallback, shown, isRequired, what, rules, doc);
    }

    /** A rule on the value and the keys {@code after} (decoded before it); {@code check} says what is wrong or null. */
    ConfigKey<T> rule(List<ConfigKey<?>> after, BiFunction<T, Values, String> check) {
        List<Rule<T>> all = new ArrayList<>(rules);
        all.add(new Rule<>(after, check));
        return new ConfigKey<>(path, kind, fallback, shown, isRequired, uniqueAs, all, doc);
    }

    ConfigKey<T> doc(String line) {
        return new ConfigKey<>(path, kind, fallback, shown, isRequired, uniqueAs, rules, line);
    }

    /** Its row in README "Configuration": {@code | `key` | default | meaning |}. */
    String readmeRow() {
        String def = shown != null ? shown : isRequired ? "required" : "none";
        return "| `" + kind.docName(path) + "` | " + def + " | " + doc + " |";
    }
}
