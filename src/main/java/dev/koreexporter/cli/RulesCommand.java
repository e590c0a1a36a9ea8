package dev.koreexporter.cli;

import dev.koreexporter.config.ConfigException;
import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.slo.RuleGenerator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code rules --config FILE}: prints the Prometheus rule file for the config's SLOs (README "Your own
 * SLOs") on stdout, nothing else there; problems and warnings go to stderr. The config is loaded exactly
 * as the daemon loads it, so a file the daemon rejects is rejected here too, with the same messages.
 */
public final class RulesCommand {
    private RulesCommand() {
    }

    /** The arguments after {@code rules}. */
    static Command.Rules parse(List<String> args, Map<String, String> env) {
        Path config = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value;
            if (arg.startsWith("--config=")) {
                value = arg.substring("--config=".length());
            } else if (arg.equals("--config")) {
                value = i + 1 < args.size() && !args.get(i + 1).startsWith("--") ? args.get(++i) : null;
            } else {
                // The name only, as for the daemon's arguments: a value might be a secret.
                throw new UsageException("rules: " + (arg.startsWith("-") ? "unknown argument \"" + arg.split("=", 2)[0]
                        + "\"" : "unexpected argument \"" + arg + "\"") + " (usage: rules --config FILE)");
            }
            if (config != null) {
                throw new UsageException("--config: given more than once");
            }
            if (value == null || value.isBlank()) {
                throw new UsageException("--config: needs a value, the config file's path");
            }
            config = Path.of(value);
        }
        if (config == null) {
            String fromEnv = env.get(Cli.CONFIG_ENV);
            if (fromEnv == null || fromEnv.isBlank()) {
                throw new UsageException("rules: needs --config FILE (or " + Cli.CONFIG_ENV + ")");
            }
            config = Path.of(fromEnv);
        }
        return new Command.Rules(config);
    }

    /** @return the exit code: 0 rules printed, 2 invalid config */
    public static int run(Path config, Map<String, String> env, PrintStream out, PrintStream err) {
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigLoader.load(config, env);
        } catch (ConfigException e) {
            err.println("kore-exporter: invalid configuration: " + config + ":");
            e.problems().forEach(p -> err.println("  - " + p));
            return 2;
        }
        loaded.warnings().forEach(w -> err.println("warning: " + w));
        out.print(RuleGenerator.render(loaded.config().slos()));
        out.flush();
        return 0;
    }
}
