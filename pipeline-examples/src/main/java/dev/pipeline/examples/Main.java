package dev.pipeline.examples;

import dev.pipeline.examples.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code list}, {@code run <name>}, {@code bench <scenario>}; no arguments runs etl. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, version = "pipeline 0.1.0",
        description = "The asyncio tutorial programs as pipelines, the ETL job and the benchmarks.",
        subcommands = {BenchCommand.class})
public final class Main {

    private Main() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line in-process and returns the exit code (for tests). */
    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }
}
