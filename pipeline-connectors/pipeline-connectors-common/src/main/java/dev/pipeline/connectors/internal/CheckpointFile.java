package dev.pipeline.connectors.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A checkpoint file held by one run: the lock ({@code <file>.lock}, an OS lock taken with
 * {@link FileChannel#tryLock()}, so a killed process leaves no stale lock, and a second run, in
 * this JVM or another, is refused while the first holds it) and the atomic replacement of the
 * file's contents (written to {@code <file>.tmp}, forced to the device, then moved over the
 * file with {@code ATOMIC_MOVE}), so a reader sees the old contents or the new, never half.
 * What the contents mean is the caller's (the file sources' record positions, the ETL's pages);
 * errors are {@link IOException}s, which the caller maps to its own, naming the file.
 * Blocking: call it on a scheduler that may block. Not thread-safe: the caller serializes
 * {@link #replace} and {@link #release}.
 */
public final class CheckpointFile {

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private CheckpointFile(Path file, FileChannel lockChannel, FileLock lock) {
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** The lock file of {@code file}: {@code <file>.lock} beside it. */
    public static Path lockFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code file} (creating the lock file if missing).
     *
     * @param file the checkpoint file (it need not exist)
     * @return the held checkpoint, or null when another run holds the lock
     * @throws IOException when the lock file cannot be opened
     */
    public static CheckpointFile tryLock(Path file) throws IOException {
        FileChannel channel = FileChannel.open(lockFile(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null; // this JVM holds it (overlapping), or the file system refused: either way not ours
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        return new CheckpointFile(file, channel, lock);
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }

    /**
     * The file's contents, or null when it does not exist (a first run).
     *
     * @return the bytes, or null
     * @throws IOException when it exists and cannot be read
     */
    public byte[] read() throws IOException {
        return Files.exists(file) ? Files.readAllBytes(file) : null;
    }

    /**
     * Replaces the file's contents atomically: temporary file, force, {@code ATOMIC_MOVE}.
     *
     * @param contents the new contents
     * @throws IOException when it cannot be written (an
     *         {@link java.nio.file.AtomicMoveNotSupportedException} when the file system
     *         cannot replace it atomically); the file then holds its old contents
     */
    public void replace(byte[] contents) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(contents);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Releases the lock and closes the lock file (idempotent). The lock file stays: deleting
     * it would let a run that opened it just before lock a file no longer there.
     *
     * @throws IOException when the lock cannot be released or its file closed
     */
    public void release() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lockChannel.close();
        }
    }
}
