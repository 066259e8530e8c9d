package dev.pipeline.connectors.file;

/**
 * What a text source does with bytes that are not valid in its charset.
 */
public enum Malformed {
    /** Fail with a {@link MalformedRecordException} naming the file and the line (the default). */
    REPORT,
    /** Substitute the charset's replacement character (U+FFFD for UTF-8) and go on. */
    REPLACE
}
