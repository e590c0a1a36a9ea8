package dev.koreexporter.cli;

import dev.koreexporter.config.ConfigException;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.config.StateStore;
import dev.koreexporter.poll.StateDir;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code --check-config}: loads the config exactly as the daemon would (env overrides, {@code ${ENV}},
 * secret files), checks {@code state.dir} as the daemon would at start, and reports. Never contacts Kore.ai; never prints a secret (problems do not hold any).
 */
public final class CheckConfigCommand {
    private CheckConfigCommand() {
    }

    /** @return the exit code: 0 valid, 2 invalid */
    public static int run(Path config, Map<String, String> env, PrintStream out, PrintStream err) {
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigLoader.load(config, env);
            ExporterConfig.State state = loaded.config().state();
            // The daemon's own check of state.dir, creating nothing and taking no bot's lock.
            if (state.store() == StateStore.FILE) {
                StateDir.check(state.dir()).ifPresent(problem -> {
                    throw new ConfigException(List.of(problem));
                });
            }
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
