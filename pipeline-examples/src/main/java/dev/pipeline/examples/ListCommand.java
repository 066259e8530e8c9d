package dev.pipeline.examples;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code list}: the examples and benchmark scenarios, one line each. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the examples and benchmark scenarios.")
public final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CommandLine root = spec.commandLine().getParent();
        section(out, "Examples (pipeline run <name> [options]; --help on each):", root.getSubcommands().get("run"));
        out.println();
        section(out, "Benchmarks (pipeline bench <scenario> [options]):", root.getSubcommands().get("bench"));
        out.flush();
        return 0;
    }

    private static void section(PrintWriter out, String title, CommandLine parent) {
        out.println(title);
        parent.getSubcommands().forEach((name, command) -> {
            if (!name.equals("help")) {
                String[] description = command.getCommandSpec().usageMessage().description();
                out.printf("  %-20s %s%n", name, description.length > 0 ? description[0] : "");
            }
        });
    }
}
