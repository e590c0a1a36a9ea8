package dev.koreexporter.cli;

import dev.koreexporter.config.Shard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    static final Map<String, String> NO_ENV = Map.of();
    static final Map<String, String> CONFIG_ENV = Map.of("KORE_EXPORTER_CONFIG", "/etc/kore/env.yml");

    static Command parse(Map<String, String> env, String... args) {
        return Cli.parse(args, env);
    }

    @Test
    void runTakesTheConfigFromTheFlagOrTheEnvironment() {
        assertEquals(new Command.Run(Path.of("c.yml"), new Shard(0, 1)), parse(NO_ENV, "--config", "c.yml"));
        assertEquals(new Command.Run(Path.of("c.yml"), new Shard(0, 1)), parse(NO_ENV, "--config=c.yml"));
        assertEquals(new Command.Run(Path.of("/etc/kore/env.yml"), Shard.ALL), parse(CONFIG_ENV));
        assertEquals(new Command.Run(Path.of("c.yml"), Shard.ALL), parse(CONFIG_ENV, "--config", "c.yml"),
                "the flag wins over the environment");
        assertEquals(new Command.Run(Path.of("c.yml"), new Shard(1, 3)), parse(NO_ENV, "--shard", "1/3", "--config", "c.yml"));
        assertEquals(new Command.Run(Path.of("c.yml"), new Shard(2, 3)), parse(NO_ENV, "--config", "c.yml", "--shard=2/3"));
    }

    @Test
    void demoNeedsNoConfigAndIgnoresTheEnvironmentVariable() {
        assertEquals(new Command.Demo(null, Shard.ALL), parse(CONFIG_ENV, "--demo"));
        assertEquals(new Command.Demo(Path.of("d.yml"), new Shard(0, 2)),
                parse(NO_ENV, "--demo", "--config", "d.yml", "--shard", "0/2"));
    }

    @Test
    void checkConfig() {
        assertEquals(new Command.CheckConfig(Path.of("c.yml")), parse(NO_ENV, "--check-config", "--config", "c.yml"));
        assertEquals(new Command.CheckConfig(Path.of("/etc/kore/env.yml")), parse(CONFIG_ENV, "--check-config"));
    }

    @Test
    void simulatorGetsTheRestUntouched() {
        assertEquals(new Command.Simulator(List.of("--port", "9000", "--whatever")),
                parse(NO_ENV, "simulator", "--port", "9000", "--whatever"));
        assertEquals(new Command.Simulator(List.of()), parse(NO_ENV, "simulator"));
    }

    @Test
    void rulesTakesTheConfigFromTheFlagOrTheEnvironment() {
        assertEquals(new Command.Rules(Path.of("c.yml")), parse(NO_ENV, "rules", "--config", "c.yml"));
        assertEquals(new Command.Rules(Path.of("c.yml")), parse(CONFIG_ENV, "rules", "--config=c.yml"));
        assertEquals(new Command.Rules(Path.of("/etc/kore/env.yml")), parse(CONFIG_ENV, "rules"));
        UsageException e = assertThrows(UsageException.class, () -> parse(NO_ENV, "rules", "--config"));
        assertTrue(e.getMessage().contains("--config: needs a value"), e.getMessage());
        assertTrue(Cli.HELP.contains("rules --config FILE"));
    }

    @Test
    void help() {
        assertEquals(new Command.Help(), parse(NO_ENV, "--help"));
        assertEquals(new Command.Help(), parse(NO_ENV, "-h"));
        assertEquals(new Command.Help(), parse(NO_ENV, "--config", "c.yml", "--help"));
        assertTrue(Cli.HELP.contains("--check-config --config FILE"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                  | no config file: pass --config FILE or set KORE_EXPORTER_CONFIG (or use --demo)
            --shard 0/2                         | no config file: pass --config FILE or set KORE_EXPORTER_CONFIG (or use --demo)
            --check-config                      | --check-config: needs --config FILE (or KORE_EXPORTER_CONFIG)
            --config                            | --config: needs a value, the config file's path
            --config --demo                     | --config: needs a value, the config file's path
            --config=                           | --config: needs a value, the config file's path
            --config a.yml --config b.yml       | --config: given more than once
            --demo --demo                       | --demo: given more than once
            --demo=yes                          | --demo: takes no value, got "yes"
            --config c.yml --frobnicate         | unknown argument "--frobnicate"
            --config c.yml -x                   | unknown argument "-x"
            --config c.yml extra                | unexpected argument "extra"
            --demo simulator                    | unexpected argument "simulator" (simulator must come first)
            --config c.yml --shard              | --shard: expected INDEX/COUNT such as 0/2, got nothing
            --config c.yml --shard two          | --shard: expected INDEX/COUNT such as 0/2, got "two"
            --config c.yml --shard -1/2         | --shard: expected INDEX/COUNT such as 0/2, got "-1/2"
            --config c.yml --shard 2/2          | --shard: needs 0 <= INDEX < COUNT, got "2/2"
            --config c.yml --shard 0/0          | --shard: needs 0 <= INDEX < COUNT, got "0/0"
            --config c.yml --shard 0/1 --shard 0/1 | --shard: given more than once
            --demo --check-config --config c.yml | --check-config: cannot be combined with --demo
            --check-config --config c.yml --shard 0/2 | --shard: not used by --check-config
            """)
    void badArgumentsAreUsageErrors(String line, String problem) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        UsageException e = assertThrows(UsageException.class, () -> Cli.parse(args, NO_ENV));
        assertEquals(problem, e.problem());
        assertEquals(problem + "\n" + Cli.USAGE, e.getMessage());
    }

    @Test
    void shardRejectsImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> new Shard(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Shard(-1, 2));
        assertEquals("1/4", new Shard(1, 4).toString());
    }
}
