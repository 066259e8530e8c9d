package dev.pipeline.examples.bench;

import picocli.CommandLine.Command;

/** {@code bench <scenario>}: the scenarios of ../shared/bench/SCENARIOS.md, one RESULT line each. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark scenario and print its RESULT lines.",
        subcommands = {HttpFetchBench.class, DbInsertBench.class, FileLinesBench.class})
public final class BenchCommand {
}
