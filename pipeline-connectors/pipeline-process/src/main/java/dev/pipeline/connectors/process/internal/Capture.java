package dev.pipeline.connectors.process.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream read to its end, keeping at most {@code max} bytes.
 *
 * @param bytes the bytes kept
 * @param overflowed true when the stream had more than {@code max} bytes
 */
public record Capture(byte[] bytes, boolean overflowed) {

    /**
     * Reads {@code in} to its end (or, when {@code stopAtOverflow}, to the first byte past
     * {@code max}), keeping the first {@code max} bytes and dropping the rest.
     *
     * @param in the stream, blocking
     * @param max the most bytes kept
     * @param stopAtOverflow true to stop reading at the first byte over the bound
     * @return what was kept and whether there was more
     * @throws IOException when reading fails
     */
    public static Capture read(InputStream in, int max, boolean stopAtOverflow) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(max, 8192));
        byte[] buffer = new byte[8192];
        boolean overflowed = false;
        int n;
        while ((n = in.read(buffer)) > 0) {
            int room = max - kept.size();
            if (n > room) {
                kept.write(buffer, 0, room);
                overflowed = true;
                if (stopAtOverflow) {
                    break;
                }
            } else {
                kept.write(buffer, 0, n);
            }
        }
        return new Capture(kept.toByteArray(), overflowed);
    }
}
