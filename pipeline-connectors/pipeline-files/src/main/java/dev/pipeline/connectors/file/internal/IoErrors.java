package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

import dev.pipeline.connectors.file.FileAccessException;

/** Maps low-level I/O errors to messages that name the path and say what to check. */
public final class IoErrors {

    private IoErrors() {
    }

    /** For a failed open/read of {@code path}. */
    public static FileAccessException read(Path path, IOException e) {
        return new FileAccessException(path, "cannot read " + path + ": " + why(path, e), e);
    }

    /** For a failed create/write/move of {@code path}. */
    public static FileAccessException write(Path path, IOException e) {
        return new FileAccessException(path, "cannot write " + path + ": " + why(path, e), e);
    }

    /** For a failed create/write/move of {@code path}, in a context such as "partition 'x' under /base". */
    public static FileAccessException write(String context, Path path, IOException e) {
        return new FileAccessException(path, context + ": cannot write " + path + ": " + why(path, e), e);
    }

    private static String why(Path path, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory (check the path"
                    + (path.getParent() != null && !Files.isDirectory(path.getParent()) ? "; its directory does not exist either)" : ")");
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied (check the file's and its directory's permissions)";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (Files.isDirectory(path)) {
            return "is a directory, not a regular file";
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason(); // the path is in the message already
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
