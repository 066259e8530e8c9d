package dev.pipeline.connectors.file.internal;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

import dev.pipeline.connectors.file.FileWriteResult;
import dev.pipeline.connectors.file.WriteOptions;

/**
 * One file being written by a sink: atomic (a temporary sibling moved over the target on
 * commit, deleted on abort) or appending. Blocking; synchronized so that an abort from a
 * cancelling thread never interleaves with a write.
 */
public final class TargetFile {

    private static final int BUFFER = 64 * 1024;

    private final Path target;
    private final Path temp;
    private final WriteOptions options;
    private final FileChannel channel;
    private final Counting counting;
    private final Writer writer;
    private long items;
    private boolean closed;

    private TargetFile(Path target, Path temp, WriteOptions options, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.options = options;
        this.channel = channel;
        this.counting = new Counting(Channels.newOutputStream(channel));
        this.writer = new BufferedWriter(new OutputStreamWriter(counting, options.charset().newEncoder()), BUFFER);
    }

    /** Opens the temporary file (atomic) or the target (append). */
    public static TargetFile open(Path target, WriteOptions options) {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw IoErrors.write(abs, new IOException("is a directory"));
        }
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw IoErrors.write(abs, new java.nio.file.NoSuchFileException(dir.toString(), null, "directory does not exist"));
        }
        if (options.isAppend()) {
            try {
                return new TargetFile(abs, null, options, FileChannel.open(abs, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND));
            } catch (IOException e) {
                throw IoErrors.write(abs, e);
            }
        }
        Path temp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            return new TargetFile(abs, temp, options, FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw IoErrors.write(temp, e);
        }
    }

    /** The target path. */
    public Path target() {
        return target;
    }

    /** The writer (buffered); call {@link #itemDone()} after each item. */
    public Writer writer() {
        return writer;
    }

    /** Writes text for one item and counts it. */
    public synchronized void write(String text) {
        ensureOpen();
        try {
            writer.write(text);
        } catch (IOException e) {
            throw IoErrors.write(target, e);
        }
        itemDone();
    }

    /** Writes a header line when the file is empty (always for a new atomic file); not counted as an item. */
    public synchronized void writeHeader(String text) {
        ensureOpen();
        try {
            if (channel.size() == 0 && counting.count == 0) {
                writer.write(text);
            }
        } catch (IOException e) {
            throw IoErrors.write(target, e);
        }
    }

    /** Counts an item written through {@link #writer()} and applies the flush policy. */
    public synchronized void itemDone() {
        items++;
        int every = options.flushEvery();
        if (every > 0 && items % every == 0) {
            flush();
        }
    }

    /** Flushes (and forces, with fsync). */
    public synchronized void flush() {
        ensureOpen();
        try {
            writer.flush();
            if (options.fsync()) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw IoErrors.write(target, e);
        }
    }

    /** Flushes, closes and (atomic) moves the temporary file over the target. */
    public synchronized FileWriteResult commit() {
        ensureOpen();
        flush();
        closed = true;
        try {
            writer.close();
        } catch (IOException e) {
            deleteTemp();
            throw IoErrors.write(target, e);
        }
        if (temp != null) {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                deleteTemp();
                throw IoErrors.write(target, e);
            }
        }
        return new FileWriteResult(target, items, counting.count);
    }

    /** Closes without committing: deletes the temporary file (atomic); idempotent. */
    public synchronized void abort() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // the file is being discarded; the error that caused the abort is the one to report
            deleteTemp();
            throw IoErrors.write(target, e);
        }
        deleteTemp();
    }

    /** Items written. */
    public synchronized long items() {
        return items;
    }

    private void deleteTemp() {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                throw IoErrors.write(temp, e);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(target + " is already closed (the run was cancelled or failed)");
        }
    }

    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
