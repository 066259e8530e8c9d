package dev.pipeline.connectors.tcp.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * A framing's decoder (a Netty frame decoder, one per connection: they hold state) and encoder.
 * Decoders fail fast: a frame over the limit raises {@code TooLongFrameException} at once.
 */
public final class FrameCodec {

    private final String description;
    private final int maxFrameBytes;
    private final Supplier<ChannelHandler> decoder;
    private final Function<byte[], byte[]> encoder;

    private FrameCodec(String description, int maxFrameBytes, Supplier<ChannelHandler> decoder,
            Function<byte[], byte[]> encoder) {
        this.description = description;
        this.maxFrameBytes = maxFrameBytes;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    /**
     * Lines.
     *
     * @param max the limit
     * @return the codec
     */
    public static FrameCodec lines(int max) {
        return new FrameCodec("lines(max " + max + " bytes)", max,
                () -> new LineBasedFrameDecoder(max, true, true), body -> concat(body, new byte[] {'\n'}));
    }

    /**
     * Delimited frames.
     *
     * @param delimiter the separator
     * @param max the limit
     * @return the codec
     */
    public static FrameCodec delimiter(byte[] delimiter, int max) {
        byte[] copy = delimiter.clone();
        return new FrameCodec("delimiter(" + new String(copy, StandardCharsets.UTF_8) + ", max " + max + " bytes)", max,
                () -> new DelimiterBasedFrameDecoder(max, true, true, Unpooled.wrappedBuffer(copy)),
                body -> concat(body, copy));
    }

    /**
     * Fixed-size frames.
     *
     * @param length the size
     * @return the codec
     */
    public static FrameCodec fixed(int length) {
        return new FrameCodec("fixed(" + length + " bytes)", length, () -> new FixedLengthFrameDecoder(length), body -> {
            if (body.length != length) {
                throw new IllegalArgumentException("item encodes to " + body.length + " bytes; fixed(" + length
                        + ") frames take exactly " + length);
            }
            return body;
        });
    }

    /**
     * Length-prefixed frames.
     *
     * @param max the limit
     * @return the codec
     */
    public static FrameCodec lengthPrefixed(int max) {
        return new FrameCodec("lengthPrefixed(max " + max + " bytes)", max,
                () -> new LengthFieldBasedFrameDecoder(max + 4, 0, 4, 0, 4, true),
                body -> ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
    }

    /**
     * A new decoder for one connection.
     *
     * @return the decoder
     */
    public ChannelHandler newDecoder() {
        return decoder.get();
    }

    /**
     * The framed bytes of an item.
     *
     * @param item the item
     * @return its bytes with delimiter or prefix
     */
    public byte[] encode(String item) {
        return encoder.apply(item.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The limit.
     *
     * @return bytes
     */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    @Override
    public String toString() {
        return description;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
