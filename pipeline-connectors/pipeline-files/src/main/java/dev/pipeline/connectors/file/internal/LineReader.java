package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.pipeline.connectors.file.FileAccessException;
import dev.pipeline.connectors.file.Malformed;
import dev.pipeline.connectors.file.MalformedRecordException;
import dev.pipeline.connectors.file.ReadOptions;

/**
 * Reads a file line by line from a byte buffer: a line ends at {@code "\n"}, {@code "\r\n"} or a
 * lone {@code '\r'}, as with {@link java.io.BufferedReader#readLine()} and Python's universal
 * newlines, and each line is decoded on its own. Line ends are searched eight bytes at a time
 * (a word-at-a-time test for the bytes 0x0A and 0x0D, see {@link #scan}), which also tells
 * whether a line is ASCII: in UTF-8, US-ASCII and ISO-8859-1 an ASCII line is copied into its
 * String as it is (the ISO-8859-1 constructor, with nothing to check). Other UTF-8 lines use the
 * JDK's String constructor and only run a strict decoder if they contain a replacement character,
 * to tell a real U+FFFD from invalid bytes. Blocking: call it on a thread that may block.
 */
public final class LineReader implements AutoCloseable {

    /** Eight bytes of the buffer as one little-endian long (an unaligned load once compiled). */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final long CRS = 0x0D0D0D0D0D0D0D0DL;
    private static final long EIGHTS = 0x0808080808080808L;

    private final Path path;
    private final FileChannel channel;
    private final Charset charset;
    private final boolean utf8;
    /** UTF-8, US-ASCII or ISO-8859-1: an ASCII line decodes as its bytes, one char each. */
    private final boolean asciiIsLatin1;
    private final boolean report;
    private final int maxLineSize;
    private final CharsetDecoder decoder;
    private ByteBuffer buffer;
    private byte[] bytes;
    private int pos;
    private int limit;
    private boolean eof;
    /** The last line ended at a {@code '\r'} that was the last byte read: a {@code '\n'} next belongs to it. */
    private boolean afterCr;
    private long line;
    private long bytesRead;
    /** Where in the file reading started. */
    private long offset;

    private LineReader(Path path, FileChannel channel, ReadOptions options) {
        this.path = path;
        this.channel = channel;
        this.charset = options.charset();
        this.utf8 = charset.equals(StandardCharsets.UTF_8);
        this.asciiIsLatin1 = utf8 || charset.equals(StandardCharsets.US_ASCII) || charset.equals(StandardCharsets.ISO_8859_1);
        this.report = options.onMalformed() == Malformed.REPORT;
        this.maxLineSize = options.maxLineSize();
        CodingErrorAction action = report ? CodingErrorAction.REPORT : CodingErrorAction.REPLACE;
        this.decoder = charset.newDecoder().onMalformedInput(action).onUnmappableCharacter(action);
        // no bigger than the limit: a line that ends inside the buffer is never measured against it
        this.bytes = new byte[Math.min(options.bufferSize(), maxLineSize)];
        this.buffer = ByteBuffer.wrap(bytes);
    }

    /** Checks that {@code charset} encodes '\n' and '\r' as the single ASCII bytes (so neither byte occurs inside another character). */
    public static void requireAsciiCompatible(Charset charset) {
        byte[] nl = "\n\r".getBytes(charset);
        if (nl.length != 2 || nl[0] != '\n' || nl[1] != '\r') {
            throw new IllegalArgumentException("charset " + charset + " is not supported for line reading: "
                    + "lines must end with the single byte 0x0A (use UTF-8, ISO-8859-x, windows-125x or US-ASCII)");
        }
    }

    /** Opens {@code path}; a missing file, a directory or no permission is a FileAccessException. */
    public static LineReader open(Path path, ReadOptions options) {
        if (Files.isDirectory(path)) {
            throw IoErrors.read(path, new IOException("is a directory"));
        }
        try {
            return new LineReader(path, FileChannel.open(path, StandardOpenOption.READ), options);
        } catch (NoSuchFileException e) {
            throw IoErrors.read(path, e);
        } catch (IOException e) {
            throw IoErrors.read(path, e);
        }
    }

    /**
     * Opens {@code path} to read from byte {@code offset} on, where a line starts (the position
     * after an earlier line), numbering lines from {@code linesBefore + 1}.
     */
    public static LineReader open(Path path, ReadOptions options, long offset, long linesBefore) {
        LineReader r = open(path, options);
        if (offset == 0) {
            r.line = linesBefore;
            return r;
        }
        try {
            if (offset > r.channel.size()) {
                r.close();
                throw new FileAccessException(path, "cannot resume " + path + " at byte " + offset + ": the file has only "
                        + r.channel.size() + " bytes (was it replaced? delete the checkpoint to read it from the start)", null);
            }
            ByteBuffer before = ByteBuffer.allocate(1);
            r.channel.read(before, offset - 1);
            // a line that ended at "\r" just before: a "\n" right here still belongs to it
            r.afterCr = before.get(0) == '\r';
            r.channel.position(offset);
        } catch (IOException e) {
            r.close();
            throw IoErrors.read(path, e);
        }
        r.offset = offset;
        r.line = linesBefore;
        return r;
    }

    /** The byte position after the line last returned (where the next read starts). */
    public long position() {
        return offset + bytesRead - (limit - pos);
    }

    /** The 1-based number of the line last returned. */
    public long lineNumber() {
        return line;
    }

    /** Bytes read from the file so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * The next line without its terminator, or null at the end of the file. A last line without
     * a terminator is returned as a line.
     */
    public String next() {
        if (afterCr) {
            afterCr = false;
            if (pos == limit && !eof) {
                fill();
            }
            if (pos < limit && bytes[pos] == '\n') {
                pos++;
            }
        }
        int scan = pos;
        boolean high = false;
        while (true) {
            byte[] b = bytes;
            int lim = limit;
            long found = scan(b, scan, lim);
            high |= found < 0;
            int i = (int) found;
            if (i >= 0) {
                int start = pos;
                if (b[i] == '\n') {
                    pos = i + 1;
                } else if (i + 1 < lim) {
                    pos = b[i + 1] == '\n' ? i + 2 : i + 1;
                } else {
                    pos = i + 1;
                    afterCr = true;
                }
                line++;
                return decode(start, i - start, high);
            }
            scan = lim;
            if (eof) {
                if (pos < limit) {
                    int start = pos;
                    pos = limit;
                    line++;
                    return decode(start, limit - start, high);
                }
                return null;
            }
            scan -= fill();
        }
    }

    /** The index of the first {@code '\n'} or {@code '\r'} in {@code b[from, to)}, or -1 (see {@link #scan}). */
    static int indexOfLineEnd(byte[] b, int from, int to) {
        return (int) scan(b, from, to);
    }

    /**
     * Finds the first {@code '\n'} or {@code '\r'} in {@code b[from, to)}, eight bytes at a time.
     * The low 32 bits of the result are its index, or -1 if there is none; the result is negative
     * (bit 63 set) if a byte with its high bit set was seen on the way: always if one is in
     * {@code b[from, index)} (or {@code b[from, to)} when there is no terminator), and sometimes
     * for one just after the terminator, in the same word. A line without such a byte is ASCII.
     *
     * <p>The test per word: in {@code x = word ^ 0x0A0A..}, a line end is a byte below 8 (0x0A
     * gives 0, 0x0D gives 7), and {@code (x - 0x0808..) & ~x & 0x8080..} is non-zero exactly when
     * some byte of {@code x} is below 8 (it can also mark bytes above the lowest such one, through
     * the borrow, but never when there is none). Only then, for a word holding a line end or one
     * of the bytes 0x08 to 0x0F (a tab, say), the exact test runs: {@code (y - 0x0101..) & ~y &
     * 0x8080..} for {@code y} the word xor 0x0A.. and xor 0x0D.. marks the lowest zero byte of
     * each exactly, so the lowest bit of the two is the first terminator.
     */
    static long scan(byte[] b, int from, int to) {
        int i = from;
        long seen = 0;
        for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i);
            seen |= w;
            long lf = w ^ LFS;
            if (((lf - EIGHTS) & ~lf & HIGHS) != 0) {
                long cr = w ^ CRS;
                long found = ((lf - ONES) & ~lf | (cr - ONES) & ~cr) & HIGHS;
                if (found != 0) {
                    return result(i + (Long.numberOfTrailingZeros(found) >>> 3), seen);
                }
            }
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (c == '\n' || c == '\r') {
                return result(i, seen);
            }
            seen |= c;
        }
        return result(-1, seen);
    }

    private static long result(int index, long seen) {
        return (index & 0xFFFFFFFFL) | ((seen & HIGHS) != 0 ? Long.MIN_VALUE : 0);
    }

    /** Reads more bytes, keeping the unfinished line; returns how far the kept bytes moved back. */
    private int fill() {
        int shift = pos;
        if (pos > 0) {
            System.arraycopy(bytes, pos, bytes, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == bytes.length) {
            if (bytes.length >= maxLineSize) {
                throw new MalformedRecordException(path, line + 1, null,
                        "line longer than " + maxLineSize + " bytes (raise ReadOptions.maxLineSize if this is intended)", null);
            }
            byte[] bigger = new byte[(int) Math.min((long) bytes.length * 2, maxLineSize)];
            System.arraycopy(bytes, 0, bigger, 0, limit);
            bytes = bigger;
            buffer = ByteBuffer.wrap(bytes);
        }
        buffer.limit(bytes.length).position(limit);
        try {
            int n = channel.read(buffer);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
                bytesRead += n;
            }
        } catch (IOException e) {
            throw IoErrors.read(path, e);
        }
        return shift;
    }

    /** The line {@code bytes[start, start + length)}; {@code high}: it may hold a byte above 0x7F (else it is ASCII). */
    private String decode(int start, int length, boolean high) {
        if (!high && asciiIsLatin1) {
            // ASCII reads the same in these charsets: the String is a plain copy, with nothing to check
            return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        }
        if (utf8) {
            String s = new String(bytes, start, length, StandardCharsets.UTF_8);
            if (report && s.indexOf('\uFFFD') >= 0) {
                strict(start, length);
            }
            return s;
        }
        if (!report) {
            return new String(bytes, start, length, charset);
        }
        return strict(start, length);
    }

    private String strict(int start, int length) {
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes, start, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            String raw = new String(bytes, start, length, charset);
            throw new MalformedRecordException(path, line, raw, "invalid " + charset + " input (" + e
                    + "); use ReadOptions.onMalformed(Malformed.REPLACE) to substitute U+FFFD, or the right charset", e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw IoErrors.read(path, e);
        }
    }
}
