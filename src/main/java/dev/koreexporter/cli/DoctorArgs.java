package dev.koreexporter.cli;

import dev.koreexporter.doctor.DoctorCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The arguments after {@code doctor}: {@code --config FILE [--format text|json]}. */
final class DoctorArgs {
    private DoctorArgs() {
    }

    static Command.Doctor parse(List<String> args, Map<String, String> env) {
        Path config = null;
        DoctorCommand.Format format = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            String value = name.equals(arg) ? (i + 1 < args.size() && !args.get(i + 1).startsWith("--")
                    ? args.get(++i) : null) : arg.substring(eq + 1);
            switch (name) {
                case "--config" -> {
                    if (config != null) {
                        throw new UsageException("--config: given more than once");
                    }
                    if (value == null || value.isBlank()) {
                        throw new UsageException("--config: needs a value, the config file's path");
                    }
                    config = Path.of(value);
                }
                case "--format" -> {
                    if (format != null) {
                        throw new UsageException("--format: given more than once");
                    }
                    format = switch (value == null ? "" : value) {
                        case "text" -> DoctorCommand.Format.TEXT;
                        case "json" -> DoctorCommand.Format.JSON;
                        default -> throw new UsageException("--format: expected text or json, got "
                                + (value == null ? "nothing" : "\"" + value + "\""));
                    };
                }
                // The name only: a mistyped --client-secret=... must not print its value.
                default -> throw new UsageException("doctor: unknown argument \"" + name + "\"");
            }
        }
        if (config == null) {
            String fromEnv = env.get(Cli.CONFIG_ENV);
            if (fromEnv == null || fromEnv.isBlank()) {
                throw new UsageException("doctor: needs --config FILE (or " + Cli.CONFIG_ENV + ")");
            }
            config = Path.of(fromEnv);
        }
        return new Command.Doctor(config, format == null ? DoctorCommand.Format.TEXT : format);
    }
}
