package dev.koreexporter.cli;

import dev.koreexporter.config.ConfigException;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code --check-config}: loads the config exactly as the daemon would (env overrides, {@code ${ENV}},
 * secret files) and reports. Never contacts Kore.ai; never prints a secret (problems do not hold any).
 */
public final class CheckConfigCommand {
    private CheckConfigCommand() {
    }

    /** @return the exit code: 0 valid, 2 invalid */
    public static int run(Path config, Map<String, String> env, PrintStream out, PrintStream err) {
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigLoader.load(config, env);
        } catch (ConfigException e) {
            err.println("config invalid: " + config + ": " + e.problems().size() + " problem(s)");
            e.problems().forEach(p -> err.println("  " + p));
            return 2;
        }
        loaded.warnings().forEach(w -> err.println("warning: " + w));
        List<String> names = loaded.config().bots().stream().map(ExporterConfig.Bot::name).toList();
        out.println("config OK: " + config + ": " + names.size() + " bot(s): " + String.join(", ", names));
        return 0;
    }
}
