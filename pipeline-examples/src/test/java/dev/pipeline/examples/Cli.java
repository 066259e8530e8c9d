package dev.pipeline.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import picocli.CommandLine;

/** Runs the command line in-process and keeps what it printed. */
final class Cli {

    private Cli() {
    }

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {

        List<String> lines() {
            return out.lines().toList();
        }

        /** Index of the first line containing {@code text}, failing if none does. */
        int indexOf(String text) {
            List<String> lines = lines();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    return i;
                }
            }
            throw new AssertionError("no line contains '" + text + "' in:\n" + out);
        }
    }

    /** Runs {@code args}; also captures System.out, where benchmarks print their RESULT lines. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream original = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        // replaced before the command line is made: picocli re-reads System.out when it changes
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        int code;
        try {
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            code = cli.execute(args);
        } finally {
            System.setOut(original);
        }
        return new Run(code, out + stdout.toString(StandardCharsets.UTF_8), err.toString());
    }
}
