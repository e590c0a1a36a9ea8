package dev.koreexporter.cli;

import dev.koreexporter.config.Shard;
import dev.koreexporter.doctor.DoctorCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** What the command line asks for (CONTRACT §1); produced by {@link Cli#parse}. */
public sealed interface Command {
    /** Run the daemon against a real Kore.ai host. */
    record Run(Path config, Shard shard) implements Command {
        public Run {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(shard, "shard");
        }
    }

    /** Run the daemon against the embedded simulator; {@code config} is null unless {@code --config} was given. */
    record Demo(Path config, Shard shard) implements Command {
        public Demo {
            Objects.requireNonNull(shard, "shard");
        }
    }

    /** Validate the config and exit 0 or 2 ({@link CheckConfigCommand}). */
    record CheckConfig(Path config) implements Command {
        public CheckConfig {
            Objects.requireNonNull(config, "config");
        }
    }

    /** Run only the Kore.ai simulator; {@code args} are everything after {@code simulator}, untouched. */
    record Simulator(List<String> args) implements Command {
        public Simulator {
            args = List.copyOf(args);
        }
    }

    /** Print the Prometheus rules for the config's SLOs ({@link RulesCommand}). */
    record Rules(Path config) implements Command {
        public Rules {
            Objects.requireNonNull(config, "config");
        }
    }

    /** Check each bot against Kore.ai and report ({@link DoctorCommand}). */
    record Doctor(Path config, DoctorCommand.Format format) implements Command {
        public Doctor {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(format, "format");
        }
    }

    /** Print {@link Cli#HELP} and exit 0. */
    record Help() implements Command {
    }
}
