package dev.pipeline.connectors.process;

import java.util.List;

/**
 * What one run of a command gave: its exit code, its standard output (bounded) and the tail of
 * its standard error, as asyncio's {@code proc.returncode} and {@code communicate()}'s
 * {@code (stdout, stderr)}.
 *
 * @param argv the command's argument vector
 * @param exitCode the exit code (0 unless {@link Command#checkExitCode(boolean) checkExitCode(false)})
 * @param stdout the standard output, decoded with the command's charset
 * @param stderr the tail of standard error kept, decoded
 * @param truncated true when stdout was cut at {@link Command#maxOutputBytes()} ({@link Command.Overflow#TRUNCATE})
 */
public record ProcessResult(List<String> argv, int exitCode, String stdout, String stderr, boolean truncated) {

    /**
     * A result; the argument vector is copied.
     *
     * @param argv the command's argument vector
     * @param exitCode the exit code
     * @param stdout the standard output
     * @param stderr the tail of standard error
     * @param truncated whether stdout was cut
     */
    public ProcessResult {
        argv = List.copyOf(argv);
    }

    /**
     * The standard output's lines, without their line ends.
     *
     * @return the lines
     */
    public List<String> lines() {
        return stdout.lines().toList();
    }

    @Override
    public String toString() {
        return "ProcessResult[" + String.join(" ", argv) + " exited " + exitCode + ", " + stdout.length()
                + " chars of stdout" + (truncated ? " (truncated)" : "") + "]";
    }
}
