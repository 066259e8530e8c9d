package dev.pipeline.connectors.file;

import java.nio.file.Path;

/**
 * A file connector refused a name, and created, wrote and moved nothing for it: the name leads
 * outside the directory the connector writes in (a {@code ../} path traversal, an absolute
 * path, a symbolic link on the way or at the name), it cannot be a path on this file system (a
 * NUL byte), or it names something the connector may not write (a directory, a FIFO, a file with
 * other hard links, a name shaped like the sink's temporary files). The message names the name,
 * the path and why.
 *
 * <p>A {@link FileSinks#partitioned partitioned} sink sends the item to its error policy with
 * this error and goes on with the other partitions; a single-file sink's run fails with it;
 * {@link InboxFile#done()} and {@link InboxFile#failed()} fail with it.
 */
public final class RefusedPathException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private static final int SHOWN_CHARS = 100;

    private final String name;
    private final transient Path path;

    RefusedPathException(String name, Path path, String message, Throwable cause) {
        super(message, cause);
        this.name = name;
        this.path = path;
    }

    /**
     * The name as the connector was given it: a partition's relative name, a file name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The path refused: the component that is a link or not a directory, the file; or the
     * directory under which the name was refused when the name cannot form a path.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * {@code name} as shown in messages: quoted, control characters as Java's unicode escapes,
     * cut after {@value #SHOWN_CHARS} characters with its length.
     */
    static String quoted(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(name.length(), SHOWN_CHARS) + 20).append('\'');
        int shown = Math.min(name.length(), SHOWN_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (shown < name.length()) {
            b.append("…(").append(name.length()).append(" chars)");
        }
        return b.append('\'').toString();
    }
}
