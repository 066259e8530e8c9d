package dev.pipeline.connectors.file.internal;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import dev.pipeline.connectors.file.FileWriteResult;
import dev.pipeline.connectors.file.WriteOptions;

/**
 * One file being written by a sink, in a directory held open ({@link OpenDirectory}): atomic (a
 * temporary sibling, created new, renamed over the target on commit and deleted on abort, both
 * relative to that directory) or appending (the target opened without following a link; a torn
 * last line, from a run killed while writing, is ended with a newline before anything is
 * appended, so it stays one malformed line and the next item starts a line of its own).
 * {@link #takeDone()} says which items are done for good: appending, once flushed.
 * Blocking; synchronized so that an abort from a cancelling thread never interleaves with a
 * write. The owner of the directory closes it after {@link #commit()} or {@link #abort()}.
 */
public final class TargetFile {

    private static final int BUFFER = 64 * 1024;
    /** Most bytes in a file name on common file systems (ext4, XFS, btrfs, tmpfs, APFS, NTFS). */
    private static final int MAX_NAME_BYTES = 255;
    /** What a temporary name adds to the target's: {@code "." + name + "." + 16 hex digits + ".tmp"}. */
    private static final int TEMP_EXTRA_BYTES = 22;
    private static final Pattern TEMPORARY = Pattern.compile("\\..*\\.[0-9a-f]{16}\\.tmp", Pattern.DOTALL);

    private final OpenDirectory dir;
    private final String name;
    private final String temp;
    private final Path target;
    private final WriteOptions options;
    private final FileChannel channel;
    private final Counting counting;
    private final Writer writer;
    private long items;
    /** Items whose bytes are flushed (append) or committed (atomic): done for good. */
    private long durable;
    /** Items {@link #takeDone()} has handed out. */
    private long reported;
    private boolean closed;

    private TargetFile(OpenDirectory dir, String name, String temp, WriteOptions options, FileChannel channel) {
        this.dir = dir;
        this.name = name;
        this.temp = temp;
        this.target = dir.path().resolve(name);
        this.options = options;
        this.channel = channel;
        this.counting = new Counting(Channels.newOutputStream(channel));
        this.writer = new BufferedWriter(new OutputStreamWriter(counting, options.charset().newEncoder()), BUFFER);
    }

    /**
     * Opens the temporary file (atomic) or the target (append) for {@code name} in {@code dir}.
     *
     * @param dir the directory, which stays open until this file is committed or aborted
     * @param name the target's name there, one path component
     * @param options the options
     * @return the open file
     * @throws OpenDirectory.Refused when the target is a directory, or (append) a link, not a
     *         regular file or a file with several hard links
     * @throws IOException when the file cannot be created or opened
     */
    public static TargetFile open(OpenDirectory dir, String name, WriteOptions options) throws IOException {
        if (options.append()) {
            TargetFile file = new TargetFile(dir, name, null, options, dir.openAppend(name));
            try {
                int last = dir.lastByte(name);
                if (last >= 0 && last != '\n') {
                    // a torn last line (a run killed mid-write): end it, so that it stays one bad line of its own
                    // instead of swallowing the first line appended now
                    file.writer.write('\n');
                }
            } catch (IOException | RuntimeException e) {
                try {
                    file.abort();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return file;
        }
        dir.requireReplaceable(name);
        String temp = temporaryName(name);
        return new TargetFile(dir, name, temp, options, dir.createNew(temp));
    }

    /**
     * The name of a temporary file for {@code name}: hidden, random, and no longer than
     * {@value #MAX_NAME_BYTES} bytes in UTF-8 (a long target name is shortened in it).
     */
    static String temporaryName(String name) {
        String kept = name;
        int budget = MAX_NAME_BYTES - TEMP_EXTRA_BYTES;
        if (kept.getBytes(StandardCharsets.UTF_8).length > budget) {
            int end = 0;
            int bytes = 0;
            while (end < kept.length()) {
                int cp = kept.codePointAt(end);
                int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes + size > budget) {
                    break;
                }
                bytes += size;
                end += Character.charCount(cp);
            }
            kept = kept.substring(0, end);
        }
        return "." + kept + "." + String.format("%016x", ThreadLocalRandom.current().nextLong()) + ".tmp";
    }

    /**
     * Whether {@code name} has the shape of a sink's temporary file ({@code .<name>.<16 hex>.tmp}).
     *
     * @param name a file name
     * @return true when it does
     */
    public static boolean isTemporaryName(String name) {
        return TEMPORARY.matcher(name).matches();
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

    /** Flushes (and forces, with fsync); appending, the items written so far are then done. */
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
        if (temp == null) {
            durable = items;
        }
    }

    /**
     * The items done for good since the last call: appending, those whose bytes were flushed
     * (and forced, with fsync) by the flush policy or the commit; atomic, none before the
     * commit moved the file into place, then all. What the sink reports as completed.
     *
     * @return how many items to report now
     */
    public synchronized long takeDone() {
        long n = durable - reported;
        reported = durable;
        return n;
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
                dir.move(temp, dir, name);
            } catch (IOException e) {
                deleteTemp();
                throw IoErrors.write(target, e);
            }
        }
        durable = items;
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
                dir.delete(temp);
            } catch (IOException e) {
                throw IoErrors.write(dir.path().resolve(temp), e);
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
