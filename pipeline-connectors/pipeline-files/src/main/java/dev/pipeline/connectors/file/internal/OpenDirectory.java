package dev.pipeline.connectors.file.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A directory held open by a file connector. Every entry it creates, opens, renames or deletes is
 * one name relative to it, and no operation follows a symbolic link: a link where a directory is
 * expected, or at a file opened for appending, is {@link Refused}; a link at the target of a
 * rename is replaced, its destination untouched.
 *
 * <p>Where the file system offers a {@link SecureDirectoryStream} (the default file system on
 * Linux), the directory is an open descriptor and each operation is the {@code *at} system call
 * relative to it ({@code openat} with {@code O_NOFOLLOW}, {@code renameat}, {@code unlinkat}):
 * a directory swapped for a link after it was opened changes nothing, the connector goes on in
 * the directory it opened (wherever that is moved: moving it needs write permission at both
 * places, a link does not). What the JDK cannot do relative to a descriptor:
 * <ul>
 * <li>create a directory (there is no {@code mkdirat}): {@link #subdirectory} checks that this
 *     directory's path still leads to the directory held open, calls {@code mkdir} by path,
 *     then opens the new directory relative to the one held open. If a directory on the path
 *     is swapped for a link in the instant between that check and {@code mkdir}, that one empty
 *     directory is made at the link's destination; the open then fails and the name is
 *     refused, so nothing is created, written or moved into it.</li>
 * <li>inspect an opened file: {@link #openAppend} checks the name (a regular file, one hard
 *     link, the same file) before and after opening it, not the descriptor it got.</li>
 * <li>open without waiting: a name swapped for a FIFO between the check and the open makes the
 *     open wait for a reader.</li>
 * </ul>
 * {@link #pathBased} (any other file system) makes the same checks on paths and compares the
 * directory's real path before each operation: a link present when it looks is refused, one
 * swapped in between a check and the operation is not seen.
 *
 * <p>Not thread-safe: the owner serializes calls.
 */
public abstract class OpenDirectory implements Closeable {

    /** A name this directory will not follow, create, open or replace, and why. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        private final transient Path path;

        Refused(Path path, String reason) {
            super(path + " " + reason);
            this.path = path;
        }

        /**
         * The path refused.
         *
         * @return the path
         */
        public Path path() {
            return path;
        }
    }

    static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    final Path path;
    private final boolean unix;

    OpenDirectory(Path path) {
        this.path = path;
        this.unix = path.getFileSystem().supportedFileAttributeViews().contains("unix");
    }

    /**
     * Opens {@code dir}, following links in that path (the caller named it): descriptor-based
     * where the file system allows, else {@link #pathBased}.
     *
     * @param dir the directory
     * @return the open directory; close it
     * @throws IOException when it is missing or not a directory
     */
    public static OpenDirectory open(Path dir) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (stream instanceof SecureDirectoryStream) {
            return new DescriptorDirectory(dir, (SecureDirectoryStream<Path>) stream);
        }
        stream.close();
        return pathBased(dir);
    }

    /**
     * Opens {@code dir} by path: each operation checks that the directory's real path is still
     * the one it had here.
     *
     * @param dir the directory
     * @return the directory
     * @throws IOException when it is missing or not a directory
     */
    public static OpenDirectory pathBased(Path dir) throws IOException {
        if (!Files.readAttributes(dir, BasicFileAttributes.class).isDirectory()) {
            throw new NotDirectoryException(dir.toString());
        }
        return new PathDirectory(dir, dir.toRealPath());
    }

    /**
     * The directory's path, as it was named when opened (for messages).
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * Whether operations are relative to an open descriptor, immune to links swapped in later.
     *
     * @return true for a descriptor
     */
    public abstract boolean isDescriptorBased();

    /**
     * The identity of the directory opened ({@code dev, inode} on Unix), or null.
     *
     * @return the file key
     * @throws IOException when it cannot be read
     */
    public abstract Object fileKey() throws IOException;

    /**
     * Opens the subdirectory {@code name}, creating it when missing.
     *
     * @param name one path component
     * @return the open subdirectory; close it
     * @throws Refused when it is a link or not a directory, or was replaced meanwhile
     * @throws IOException when it cannot be created or opened
     */
    public OpenDirectory subdirectory(String name) throws IOException {
        BasicFileAttributes found = statOrNull(name);
        if (found == null) {
            createDirectory(name);
        } else {
            refuseUnless(name, found, Kind.DIRECTORY);
        }
        try {
            return openChild(name);
        } catch (NoSuchFileException e) {
            throw new Refused(resolve(name), "was moved, removed or replaced while it was being created or opened");
        } catch (IOException e) {
            BasicFileAttributes now = statOrNull(name);
            if (now != null) {
                refuseUnless(name, now, Kind.DIRECTORY);
            }
            throw e;
        }
    }

    /**
     * Refuses {@code name} as the target of a rename when it is a directory.
     *
     * @param name one path component
     * @throws Refused when it is a directory
     * @throws IOException when it cannot be looked at
     */
    public void requireReplaceable(String name) throws IOException {
        BasicFileAttributes found = statOrNull(name);
        if (found != null && found.isDirectory()) {
            throw new Refused(resolve(name), "is a directory");
        }
    }

    /**
     * Creates the file {@code name} for writing; it must not exist (not even as a link).
     *
     * @param name one path component
     * @return the channel; close it
     * @throws IOException when it exists or cannot be created
     */
    public FileChannel createNew(String name) throws IOException {
        return channel(name, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /**
     * Opens {@code name} for appending, creating it when missing. Refused when it is a link
     * (dangling or not), not a regular file, has other hard links, or changed during the open.
     *
     * @param name one path component
     * @return the channel; close it
     * @throws Refused when refused
     * @throws IOException when it cannot be opened
     */
    public FileChannel openAppend(String name) throws IOException {
        BasicFileAttributes before = statOrNull(name);
        if (before != null) {
            refuseUnless(name, before, Kind.APPENDABLE);
        }
        FileChannel channel;
        try {
            channel = channel(name, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            BasicFileAttributes now = statOrNull(name);
            if (now != null) {
                refuseUnless(name, now, Kind.APPENDABLE);
            }
            throw e;
        }
        try {
            BasicFileAttributes after = stat(name);
            refuseUnless(name, after, Kind.APPENDABLE);
            if (before != null && !Objects.equals(before.fileKey(), after.fileKey())) {
                throw new Refused(resolve(name), "was replaced while it was being opened");
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            closeAfter(channel, e);
            throw e;
        }
    }

    /**
     * The last byte of {@code name}, a file {@link #openAppend} has just opened (so checked),
     * or -1 when it is empty: an appending sink terminates a torn last line before it appends.
     *
     * @param name one path component
     * @return the last byte (0-255), or -1
     * @throws IOException when it cannot be read
     */
    public int lastByte(String name) throws IOException {
        try (FileChannel in = channel(name, Set.of(StandardOpenOption.READ))) {
            long size = in.size();
            if (size == 0) {
                return -1;
            }
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            while (one.hasRemaining() && in.read(one, size - 1) >= 0) {
                // one byte: read until it is there
            }
            return one.hasRemaining() ? -1 : one.get(0) & 0xff;
        }
    }

    /**
     * Renames {@code from} to {@code to} in {@code target} (a directory opened the same way),
     * atomically, replacing a file or a link there without following it.
     *
     * @param from one path component here
     * @param target the directory to move into
     * @param to one path component there
     * @throws IOException when the rename fails
     */
    public abstract void move(String from, OpenDirectory target, String to) throws IOException;

    /**
     * Deletes the file or link {@code name} (never what a link points to), if it exists.
     *
     * @param name one path component
     * @return whether it existed
     * @throws IOException when it cannot be deleted
     */
    public abstract boolean delete(String name) throws IOException;

    /** The path of {@code name} here, for messages. */
    Path resolve(String name) {
        return path.resolve(name);
    }

    abstract BasicFileAttributes stat(String name) throws IOException;

    /** The path of {@code name}, checked to lead into this directory right now (for operations by path). */
    abstract Path pathHere(String name) throws IOException;

    abstract OpenDirectory openChild(String name) throws IOException;

    abstract FileChannel channel(String name, Set<? extends OpenOption> options) throws IOException;

    private BasicFileAttributes statOrNull(String name) throws IOException {
        try {
            return stat(name);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Makes the directory (by path: the JDK has no mkdirat); one made meanwhile by someone else is checked when opened. */
    private void createDirectory(String name) throws IOException {
        try {
            Files.createDirectory(pathHere(name));
        } catch (FileAlreadyExistsException raced) {
            BasicFileAttributes now = statOrNull(name);
            if (now != null) {
                refuseUnless(name, now, Kind.DIRECTORY);
            }
        }
    }

    private enum Kind { DIRECTORY, APPENDABLE }

    private void refuseUnless(String name, BasicFileAttributes a, Kind wanted) throws IOException {
        if (a.isSymbolicLink()) {
            throw new Refused(resolve(name), "is a symbolic link; file connectors never follow a link where they write");
        }
        if (wanted == Kind.DIRECTORY) {
            if (!a.isDirectory()) {
                throw new Refused(resolve(name), "is not a directory");
            }
            return;
        }
        if (a.isDirectory()) {
            throw new Refused(resolve(name), "is a directory");
        }
        if (!a.isRegularFile()) {
            throw new Refused(resolve(name), "is not a regular file (a FIFO, socket or device)");
        }
        if (unix) {
            Map<String, Object> links;
            try {
                links = Files.readAttributes(resolve(name), "unix:nlink,fileKey", NOFOLLOW);
            } catch (NoSuchFileException e) {
                throw new Refused(resolve(name), "was moved or replaced while it was being opened");
            }
            if (!Objects.equals(links.get("fileKey"), a.fileKey())) {
                throw new Refused(resolve(name), "was replaced while it was being opened");
            }
            int count = (Integer) links.get("nlink");
            if (count > 1) {
                throw new Refused(resolve(name), "has " + count + " hard links: its content is also reachable"
                        + " by another name, possibly outside the directory; appending to it is refused");
            }
        }
    }

    static Set<OpenOption> noFollow(Set<? extends OpenOption> options) {
        Set<OpenOption> all = new HashSet<>(options);
        all.add(LinkOption.NOFOLLOW_LINKS);
        return all;
    }

    /**
     * Closes {@code c} after {@code primary} happened, adding a close error to it as suppressed.
     *
     * @param c what to close
     * @param primary the error being thrown
     */
    public static void closeAfter(Closeable c, Exception primary) {
        try {
            c.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    void requireName(String name) {
        Path p = path.getFileSystem().getPath(name);
        if (name.isEmpty() || p.isAbsolute() || p.getNameCount() != 1 || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("name must be one path component, was '" + name + "'");
        }
    }
}
