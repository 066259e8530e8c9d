package dev.pipeline.connectors.process;

/**
 * A command wrote more standard output than its bound ({@link Command#maxOutputBytes(int)}, or
 * {@link Command#maxLineBytes(int)} for one line of a piped process); it was killed.
 */
public final class ProcessOutputLimitException extends ProcessException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    /**
     * Output of {@code command} over {@code limit} bytes.
     *
     * @param command the command
     * @param what which bound: "output" or "a line"
     * @param limit the bound in bytes
     * @param option the option that sets it
     */
    ProcessOutputLimitException(Command command, String what, int limit, String option) {
        super("command '" + command.describe() + "' wrote " + what + " longer than " + limit
                + " bytes and was killed; raise Command." + option
                + (option.equals("maxOutputBytes") ? " or use onOutputOverflow(TRUNCATE)" : ""),
                command.argv(), -1, "", null);
        this.limit = limit;
    }

    /**
     * The bound that was exceeded.
     *
     * @return bytes
     */
    public int limit() {
        return limit;
    }
}
