package dev.pipeline.connectors.process.internal;

import java.nio.charset.Charset;

/**
 * The last {@code capacity} bytes written to it (a ring), for a process's standard error: the
 * tail is what an error message quotes, and the bound keeps a chatty process from filling the
 * heap. Thread-safe: the drain thread appends while a failing run reads.
 */
public final class Tail {

    private final byte[] ring;
    private long written;

    /**
     * An empty tail.
     *
     * @param capacity the bytes kept, &gt; 0
     */
    public Tail(int capacity) {
        this.ring = new byte[capacity];
    }

    /**
     * Appends bytes, dropping the oldest beyond the capacity.
     *
     * @param bytes the buffer
     * @param off the first byte
     * @param len how many
     */
    public synchronized void append(byte[] bytes, int off, int len) {
        int from = len > ring.length ? off + len - ring.length : off;
        written += from - off; // bytes that would be overwritten within this call anyway
        for (int i = from; i < off + len; i++) {
            ring[(int) (written++ % ring.length)] = bytes[i];
        }
    }

    /**
     * The bytes kept, decoded.
     *
     * @param charset the charset
     * @return the text (a character cut at the start may decode as a replacement)
     */
    public synchronized String text(Charset charset) {
        int size = (int) Math.min(written, ring.length);
        byte[] out = new byte[size];
        long start = written - size;
        for (int i = 0; i < size; i++) {
            out[i] = ring[(int) ((start + i) % ring.length)];
        }
        return new String(out, charset);
    }
}
