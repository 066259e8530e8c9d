package dev.pipeline.connectors.tcp;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.pipeline.connectors.tcp.internal.FrameCodec;

/**
 * How a byte stream is cut into items, and how items are written: asyncio's {@code StreamReader}
 * methods as decoders. Items are UTF-8 strings.
 *
 * <ul>
 *   <li>{@link #lines(int)}: {@code readline()} ({@code \n} or {@code \r\n}, stripped);</li>
 *   <li>{@link #delimiter(String, int)}: {@code readuntil(separator)} (separator stripped);</li>
 *   <li>{@link #fixed(int)}: {@code readexactly(n)};</li>
 *   <li>{@link #lengthPrefixed(int)}: a 4-byte big-endian length, then that many bytes.</li>
 * </ul>
 *
 * <p>A frame longer than the limit fails the connection with a {@link TcpFrameTooLongException}
 * naming the peer, as asyncio's {@code LimitOverrunError} does.
 *
 * <pre>{@code
 * Framing lines = Framing.lines(8192);
 * }</pre>
 */
public final class Framing {

    private final FrameCodec codec;

    private Framing(FrameCodec codec) {
        this.codec = codec;
    }

    /**
     * Lines ended by {@code \n} or {@code \r\n}; written items get {@code \n} appended.
     *
     * @param maxFrameBytes the longest line accepted, &gt; 0
     * @return the framing
     */
    public static Framing lines(int maxFrameBytes) {
        return new Framing(FrameCodec.lines(positive(maxFrameBytes)));
    }

    /**
     * Frames ended by {@code delimiter} (stripped); written items get it appended.
     *
     * @param delimiter the separator, not empty
     * @param maxFrameBytes the longest frame accepted, &gt; 0
     * @return the framing
     */
    public static Framing delimiter(String delimiter, int maxFrameBytes) {
        Objects.requireNonNull(delimiter, "delimiter must not be null");
        if (delimiter.isEmpty()) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        return new Framing(FrameCodec.delimiter(delimiter.getBytes(StandardCharsets.UTF_8), positive(maxFrameBytes)));
    }

    /**
     * Frames of exactly {@code length} bytes; written items must encode to that many bytes.
     *
     * @param length the frame size, &gt; 0
     * @return the framing
     */
    public static Framing fixed(int length) {
        return new Framing(FrameCodec.fixed(positive(length)));
    }

    /**
     * Frames preceded by their length as a 4-byte big-endian integer; written items get it
     * prefixed.
     *
     * @param maxFrameBytes the longest frame accepted (excluding the prefix), &gt; 0
     * @return the framing
     */
    public static Framing lengthPrefixed(int maxFrameBytes) {
        return new Framing(FrameCodec.lengthPrefixed(positive(maxFrameBytes)));
    }

    /**
     * The largest frame this framing accepts.
     *
     * @return the limit in bytes
     */
    public int maxFrameBytes() {
        return codec.maxFrameBytes();
    }

    /**
     * The bytes written for {@code item}: the item in UTF-8 with its delimiter or prefix.
     *
     * @param item the item
     * @return the framed bytes
     */
    public byte[] encode(String item) {
        return codec.encode(Objects.requireNonNull(item, "item must not be null"));
    }

    FrameCodec codec() {
        return codec;
    }

    @Override
    public String toString() {
        return codec.toString();
    }

    private static int positive(int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be > 0, was " + value);
        }
        return value;
    }
}
