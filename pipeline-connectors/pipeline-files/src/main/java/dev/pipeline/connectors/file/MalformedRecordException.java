package dev.pipeline.connectors.file;

import java.nio.file.Path;

/**
 * A record in a file could not be read: invalid bytes for the charset, a line that is not valid
 * JSON, a CSV row with the wrong number of fields. Carries the file, the 1-based line where the
 * record starts and its raw text, so a dead-letter sink can keep it while the rest flows on.
 * The message reads {@code orders.ndjson:17: <what is wrong>}.
 */
public class MalformedRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final String raw;

    /**
     * Creates the exception.
     *
     * @param file the file
     * @param line the 1-based line where the record starts
     * @param raw the record's raw text (may be abbreviated or null when unknown)
     * @param problem what is wrong with it
     * @param cause the parser's exception, or null
     */
    public MalformedRecordException(Path file, long line, String raw, String problem, Throwable cause) {
        super(file.getFileName() + ":" + line + ": " + problem, cause);
        this.file = file;
        this.line = line;
        this.raw = raw;
    }

    /**
     * The file the record came from.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    /**
     * The 1-based line where the record starts.
     *
     * @return the line number
     */
    public long line() {
        return line;
    }

    /**
     * The record's raw text as read (with replacement characters for undecodable bytes).
     *
     * @return the raw text, or null when unknown
     */
    public String raw() {
        return raw;
    }
}
