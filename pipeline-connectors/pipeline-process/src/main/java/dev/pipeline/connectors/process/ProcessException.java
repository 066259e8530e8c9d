package dev.pipeline.connectors.process;

import java.util.List;
import java.util.OptionalInt;

/**
 * A command failed: it could not start, it exited with a non-zero code, it wrote more than its
 * bound, or it ran out of time. The message names the command (abbreviated), the exit code when
 * there is one, and the last lines of its standard error.
 *
 * <pre>{@code
 * command 'grep -q needle' exited with code 1; last stderr lines: (none)
 * }</pre>
 */
public class ProcessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** How many stderr lines a message quotes. */
    static final int QUOTED_LINES = 5;

    private final List<String> argv;
    private final int exitCode;
    private final String stderr;

    /**
     * A failure of the command {@code argv}.
     *
     * @param message what went wrong, naming the command
     * @param argv the command's argument vector
     * @param exitCode its exit code, or -1 when it did not exit by itself
     * @param stderr the tail of its standard error kept, may be empty
     * @param cause the low-level error, or null
     */
    public ProcessException(String message, List<String> argv, int exitCode, String stderr, Throwable cause) {
        super(message, cause);
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.stderr = stderr == null ? "" : stderr;
    }

    static ProcessException exited(Command command, int exitCode, String stderr) {
        return new ProcessException("command '" + command.describe() + "' exited with code " + exitCode
                + "; last stderr lines: " + lastLines(stderr), command.argv(), exitCode, stderr, null);
    }

    static String lastLines(String stderr) {
        if (stderr == null || stderr.isBlank()) {
            return "(none)";
        }
        String[] lines = stderr.strip().split("\r?\n");
        int from = Math.max(0, lines.length - QUOTED_LINES);
        return String.join(" | ", java.util.Arrays.asList(lines).subList(from, lines.length));
    }

    /**
     * The command's argument vector.
     *
     * @return the program and its arguments
     */
    public List<String> argv() {
        return argv;
    }

    /**
     * The exit code.
     *
     * @return the code, empty when the process did not exit by itself (killed, not started)
     */
    public OptionalInt exitCode() {
        return exitCode < 0 ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /**
     * The tail of standard error kept (at most the command's {@link Command#maxErrorBytes()}).
     *
     * @return the text, empty when there was none
     */
    public String stderr() {
        return stderr;
    }
}
