package dev.pipeline.examples;

import java.util.concurrent.Callable;

import dev.pipeline.examples.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The command line: {@code list}, {@code run <name>}, {@code bench <scenario>}; no arguments runs etl. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, version = "pipeline 0.1.0",
        description = "The asyncio tutorial programs as pipelines, the ETL job and the benchmarks.%n"
                + "With no arguments: run etl.",
        subcommands = {ListCommand.class, RunCommand.class, BenchCommand.class})
public final class Main implements Callable<Integer> {

    /** The default broker ({@code Rabbit.LOCAL}) as help texts show it: the password masked. */
    public static final String LOCAL_BROKER = "amqp://guest:***@127.0.0.1:5672/%2F";

    @Spec
    CommandSpec spec;

    /** Runs the command line and exits with its code ({@link FatalErrors#EXIT_CODE} on a fatal JVM error). */
    public static void main(String[] args) {
        FatalErrors.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line, for running in-process (tests set its out and err). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (FatalErrors.isFatal(e)) {
                FatalErrors.fatal(Thread.currentThread(), e); // out of memory, say, as the cause of a failure: no return
            }
            // a one-line reason, not a stack trace; PIPELINE_DEBUG=1 shows the trace
            cmd.getErr().println("error: " + cmd.getCommandName() + ": " + reason(e));
            if (System.getenv("PIPELINE_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return 1;
        });
    }

    /** The message of {@code e}, or of its first cause with one, with the exception type where useful. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t instanceof IllegalArgumentException || t instanceof IllegalStateException
                        ? t.getMessage() : t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getName();
    }

    @Override
    public Integer call() {
        CommandLine run = spec.commandLine().getSubcommands().get("run");
        if (!run.getSubcommands().containsKey("etl")) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
        return spec.commandLine().execute("run", "etl");
    }
}
