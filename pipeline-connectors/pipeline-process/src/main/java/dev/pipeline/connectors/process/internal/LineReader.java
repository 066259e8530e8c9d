package dev.pipeline.connectors.process.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;

/**
 * Reads lines ({@code \n} or {@code \r\n}, stripped) from a blocking stream, at most
 * {@code maxLineBytes} per line: unlike {@code BufferedReader.readLine}, a stream without line
 * ends cannot grow a line without bound. Not thread-safe: one reader thread at a time.
 */
public final class LineReader {

    /** A line was longer than the limit. */
    public static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int limit) {
            super("line longer than " + limit + " bytes");
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final Charset charset;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;

    /**
     * A reader of {@code in}.
     *
     * @param in the stream, read only from the caller's thread
     * @param maxLineBytes the longest line
     * @param charset the charset of the lines
     */
    public LineReader(InputStream in, int maxLineBytes, Charset charset) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.charset = charset;
    }

    /**
     * The next line, blocking until it is complete.
     *
     * @return the line without its end, or null at the end of the stream (a last line without
     *     an end is returned first)
     * @throws IOException when reading fails or a line is too long
     */
    public String next() throws IOException {
        ByteArrayOutputStream line = null;
        while (true) {
            if (pos == limit) {
                limit = in.read(buffer);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line == null || line.size() == 0 ? null : decode(line);
                }
            }
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            if (line == null) {
                line = new ByteArrayOutputStream();
            }
            if (line.size() + (pos - start) > maxLineBytes) {
                throw new LineTooLongException(maxLineBytes);
            }
            line.write(buffer, start, pos - start);
            if (pos < limit) {
                pos++; // the '\n'
                return decode(line);
            }
        }
    }

    private String decode(ByteArrayOutputStream line) {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, charset);
    }
}
