package dev.pipeline.connectors.http.internal;

import java.net.URI;
import java.util.Arrays;

import dev.pipeline.connectors.http.HttpException;
import io.netty.buffer.ByteBuf;

/** Accumulates a response body up to a limit (one exchange, one subscriber: not shared). */
final class Body {

    private final int max;
    private final String method;
    private final URI uri;
    private byte[] bytes;
    private int size;

    Body(int max, long declared, String method, URI uri) {
        this.max = max;
        this.method = method;
        this.uri = uri;
        // a declared length is trusted only up to 64 KiB ahead of the bytes actually received
        this.bytes = new byte[declared >= 0 ? (int) Math.min(declared, 64 * 1024) : 256];
    }

    static HttpException tooLarge(String method, URI uri, long size, int max) {
        return new HttpException(method, uri, "response body of " + size + " bytes exceeds the limit of " + max
                + " bytes (raise HttpOptions.maxResponseSize if it is expected)", null);
    }

    void append(ByteBuf buf) {
        int n = buf.readableBytes();
        if ((long) size + n > max) {
            throw tooLarge(method, uri, (long) size + n, max);
        }
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(max, Math.max(size + n, bytes.length * 2)));
        }
        buf.getBytes(buf.readerIndex(), bytes, size, n);
        size += n;
    }

    byte[] bytes() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
