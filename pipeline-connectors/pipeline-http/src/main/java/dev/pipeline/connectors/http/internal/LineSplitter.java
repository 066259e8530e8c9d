package dev.pipeline.connectors.http.internal;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a byte stream, chunk by chunk, into lines without their end ({@code \n}, {@code \r\n},
 * and with {@code loneCr} a lone {@code \r}, as server-sent events allow), keeping only the
 * unfinished line between chunks. A line longer than {@code maxLine} bytes is refused as soon as
 * it is known to be too long, before it is held whole. One stream, one subscriber: not shared.
 */
final class LineSplitter {

    /** A line over the limit: the caller names the stream. */
    static final class TooLongException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long line;

        TooLongException(long line) {
            super("line " + line + " is too long", null, false, false);
            this.line = line;
        }
    }

    private static final byte[] EMPTY = new byte[0];

    private final int maxLine;
    private final boolean loneCr;
    private byte[] partial = EMPTY;
    private boolean afterCr;
    private long lines;

    LineSplitter(int maxLine, boolean loneCr) {
        this.maxLine = maxLine;
        this.loneCr = loneCr;
    }

    /** Lines counted so far (the number of the last line handed out). */
    long lines() {
        return lines;
    }

    void feed(byte[] chunk, Consumer<byte[]> line) {
        int start = 0;
        for (int i = 0; i < chunk.length; i++) {
            byte b = chunk[i];
            if (afterCr) {
                afterCr = false;
                if (b == '\n') { // the \n of a \r\n whose \r ended the line already
                    start = i + 1;
                    continue;
                }
            }
            if (b == '\n' || (loneCr && b == '\r')) {
                int end = i;
                if (!loneCr && end > start && chunk[end - 1] == '\r') {
                    end--;
                } else if (!loneCr && end == start && partial.length > 0 && partial[partial.length - 1] == '\r') {
                    partial = Arrays.copyOf(partial, partial.length - 1);
                }
                emit(chunk, start, end, line);
                afterCr = loneCr && b == '\r';
                start = i + 1;
            }
        }
        if (start < chunk.length) {
            int n = chunk.length - start;
            if ((long) partial.length + n > maxLine + (loneCr ? 0 : 1)) { // a \r may still be dropped
                throw new TooLongException(lines + 1);
            }
            byte[] p = Arrays.copyOf(partial, partial.length + n);
            System.arraycopy(chunk, start, p, partial.length, n);
            partial = p;
        }
    }

    /** The last line, when the stream ended without a line end. */
    void finish(Consumer<byte[]> line) {
        if (partial.length > 0) {
            byte[] last = partial;
            partial = EMPTY;
            int end = !loneCr && last[last.length - 1] == '\r' ? last.length - 1 : last.length;
            emit(last, 0, end, line);
        }
    }

    private void emit(byte[] chunk, int start, int end, Consumer<byte[]> line) {
        byte[] bytes;
        if (partial.length == 0) {
            bytes = Arrays.copyOfRange(chunk, start, end);
        } else {
            bytes = Arrays.copyOf(partial, partial.length + end - start);
            System.arraycopy(chunk, start, bytes, partial.length, end - start);
            partial = EMPTY;
        }
        lines++;
        if (bytes.length > maxLine) {
            throw new TooLongException(lines);
        }
        line.accept(bytes);
    }
}
