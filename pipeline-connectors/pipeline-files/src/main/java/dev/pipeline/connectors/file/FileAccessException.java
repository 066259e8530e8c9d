package dev.pipeline.connectors.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A file or directory could not be opened, read, written or moved: it is missing, a directory,
 * not readable or writable. The message names the path and what to check; the cause is the
 * original {@link IOException}.
 */
public class FileAccessException extends UncheckedIOException {

    private static final long serialVersionUID = 1L;

    private final transient Path path;

    /**
     * Creates the exception.
     *
     * @param path the path concerned
     * @param message what failed and what to check
     * @param cause the I/O error
     */
    public FileAccessException(Path path, String message, IOException cause) {
        super(message, cause);
        this.path = path;
    }

    /**
     * The path concerned.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }
}
