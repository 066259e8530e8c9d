package dev.pipeline.connectors.file;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.pipeline.connectors.file.internal.IoErrors;
import dev.pipeline.connectors.file.internal.OpenDirectory;
import dev.pipeline.connectors.file.internal.TargetFile;

/**
 * The open files of one partitioned run, all under a base directory held open for the run.
 *
 * <p>A new partition is checked before anything is created for it: its name must stay inside
 * the base once normalized and form a path; then the directories on the way are opened one
 * component at a time from the base ({@link OpenDirectory#subdirectory}: created when missing,
 * refused when a link or not a directory), and the file is opened in the last one. Each item
 * that cannot get a file ({@link RefusedPathException} for a name refused, a
 * {@link FileAccessException} for one the file system refused) is {@link Rejected} for the
 * sink's error policy; the other partitions go on. Directories that hold an open file stay open
 * until the run commits or aborts (shared by identity), so the rename and the delete happen in
 * the directory the file was created in.
 */
final class Partitions<T> {

    /** An item that goes to the sink's error policy with the cause. */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejected(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private final Path base;
    private final FileFormat<T> format;
    private final WriteOptions options;
    private final Map<Path, Writing<T>> open = new LinkedHashMap<>();
    private final List<OpenDirectory> held = new ArrayList<>();
    private final Map<Object, OpenDirectory> heldByKey = new HashMap<>();
    private OpenDirectory root;
    private boolean aborted;

    Partitions(Path baseDir, FileFormat<T> format, WriteOptions options) {
        this.base = baseDir.toAbsolutePath().normalize();
        this.format = format;
        this.options = options;
    }

    /**
     * Writes {@code item} to its partition.
     *
     * @throws Rejected for the error policy
     * @throws RuntimeException that fails the run: the base cannot be opened, a write failed,
     *         too many partitions
     */
    synchronized void write(T item, Function<? super T, String> relativeName) {
        if (aborted) {
            throw new IllegalStateException("the write under " + base + " was cancelled or failed");
        }
        if (root == null) {
            root = openBase();
        }
        String name;
        try {
            name = relativeName.apply(item);
        } catch (RuntimeException e) {
            throw new Rejected(e);
        }
        Writing<T> w = writingFor(name);
        String text;
        try {
            text = w.encoder.encode(item);
        } catch (Exception e) {
            throw new Rejected(e);
        }
        w.file.write(text);
    }

    private OpenDirectory openBase() {
        OpenDirectory dir;
        try {
            dir = OpenDirectory.open(base);
        } catch (IOException e) {
            throw IoErrors.write(base, e);
        }
        try {
            return hold(dir, dir.fileKey());
        } catch (IOException e) {
            OpenDirectory.closeAfter(dir, e);
            throw IoErrors.write(base, e);
        }
    }

    private Writing<T> writingFor(String name) {
        Path relative = relative(name);
        Writing<T> w = open.get(relative);
        if (w != null) {
            return w;
        }
        if (open.size() >= FileSinks.MAX_PARTITIONS) {
            throw new IllegalStateException("partitioned sink under " + base + " would open more than "
                    + FileSinks.MAX_PARTITIONS + " files; partition more coarsely");
        }
        String fileName = relative.getFileName().toString();
        if (TargetFile.isTemporaryName(fileName)) {
            throw refused(name, base.resolve(relative), base.resolve(relative)
                    + " has the shape of the sink's temporary files (.<name>.<16 hex digits>.tmp)", null);
        }
        for (Path dir = relative.getParent(); dir != null; dir = dir.getParent()) {
            if (open.containsKey(dir)) {
                throw refused(name, base.resolve(dir), base.resolve(dir) + " must be a directory for it, but this run"
                        + " writes partition " + RefusedPathException.quoted(dir.toString()) + " as a file there", null);
            }
        }
        Path target = base.resolve(relative);
        try {
            w = openIn(relative, fileName);
        } catch (OpenDirectory.Refused e) {
            throw refused(name, e.path(), e.getMessage(), e);
        } catch (IOException e) {
            throw new Rejected(IoErrors.write("partition " + RefusedPathException.quoted(name) + " under " + base, target, e));
        }
        open.put(relative, w);
        return w;
    }

    /** The normalized name relative to the base, refused when it cannot be one. */
    private Path relative(String name) {
        if (name == null || name.isBlank()) {
            throw refused(name, base, "a partition name must not be blank (under " + base + ")", null);
        }
        Path target;
        try {
            target = base.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw refused(name, base, "it cannot be a path under " + base + ": " + e.getReason(), e);
        }
        if (!target.startsWith(base) || target.equals(base)) {
            throw refused(name, base, "it resolves outside " + base + " (path traversal); names must be relative"
                    + " paths inside the base directory", null);
        }
        return base.relativize(target);
    }

    /**
     * Opens the file in its directory, reached from the base. A directory is held (until the end
     * of the run) only once a file is open in it, shared with a partition already in the same
     * directory: refused names never accumulate descriptors.
     */
    private Writing<T> openIn(Path relative, String fileName) throws IOException {
        OpenDirectory dir = directoryOf(relative);
        if (dir == root) {
            return Writing.open(root, fileName, format, options);
        }
        try {
            Object key = dir.fileKey();
            OpenDirectory same = key == null ? null : heldByKey.get(key);
            if (same != null) {
                dir.close();
                return Writing.open(same, fileName, format, options);
            }
            Writing<T> w = Writing.open(dir, fileName, format, options);
            hold(dir, key);
            return w;
        } catch (IOException | RuntimeException e) {
            if (!held.contains(dir)) {
                OpenDirectory.closeAfter(dir, e);
            }
            throw e;
        }
    }

    /** Opens the directories on the way to {@code relative} from the base (creating missing ones): the root, or a new one. */
    private OpenDirectory directoryOf(Path relative) throws IOException {
        Path parent = relative.getParent();
        if (parent == null) {
            return root;
        }
        OpenDirectory current = root;
        try {
            for (Path component : parent) {
                OpenDirectory next = current.subdirectory(component.toString());
                if (current != root) {
                    current.close();
                }
                current = next;
            }
            return current;
        } catch (IOException | RuntimeException e) {
            if (current != root) {
                OpenDirectory.closeAfter(current, e);
            }
            throw e;
        }
    }

    private OpenDirectory hold(OpenDirectory dir, Object key) {
        held.add(dir);
        if (key != null) {
            heldByKey.put(key, dir);
        }
        return dir;
    }

    private static Rejected refused(String name, Path path, String why, Throwable cause) {
        return new Rejected(new RefusedPathException(name, path, "partition " + RefusedPathException.quoted(name)
                + " refused: " + why, cause));
    }

    synchronized PartitionedWriteResult commit() {
        Map<Path, Long> files = new LinkedHashMap<>();
        long total = 0;
        try {
            for (Writing<T> w : open.values()) {
                FileWriteResult r = w.file.commit();
                files.put(r.path(), r.items());
                total += r.items();
            }
        } catch (RuntimeException e) {
            try {
                abort();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        releaseDirectories(null);
        return new PartitionedWriteResult(base, files, total);
    }

    synchronized void abort() {
        aborted = true;
        RuntimeException first = null;
        for (Writing<T> w : open.values()) {
            try {
                w.file.abort();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        releaseDirectories(first);
    }

    /** Closes every directory held; throws {@code first} (or the first close error) at the end. */
    private void releaseDirectories(RuntimeException first) {
        RuntimeException error = first;
        for (OpenDirectory dir : held) {
            try {
                dir.close();
            } catch (IOException e) {
                RuntimeException closing = IoErrors.write(dir.path(), e);
                if (error == null) {
                    error = closing;
                } else {
                    error.addSuppressed(closing);
                }
            }
        }
        held.clear();
        heldByKey.clear();
        if (error != null) {
            throw error;
        }
    }
}
