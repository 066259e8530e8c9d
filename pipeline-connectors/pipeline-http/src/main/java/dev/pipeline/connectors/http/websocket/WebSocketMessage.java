package dev.pipeline.connectors.http.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One WebSocket message, text or binary: what the {@linkplain WebSocketSources source} emits and
 * what the {@linkplain WebSocketSinks sink} and {@linkplain WebSocketStages stage} send. A
 * message fragmented by the server into continuation frames arrives whole. Immutable.
 *
 * <pre>{@code
 * WebSocketMessage hello = WebSocketMessage.text("{\"subscribe\":\"prices\"}");
 * String json = message.text();
 * }</pre>
 */
public final class WebSocketMessage {

    private final boolean text;
    private final String string;
    private final byte[] bytes;

    private WebSocketMessage(boolean text, String string, byte[] bytes) {
        this.text = text;
        this.string = string;
        this.bytes = bytes;
    }

    /**
     * A text message.
     *
     * @param text the text, sent as UTF-8
     * @return the message
     */
    public static WebSocketMessage text(String text) {
        return new WebSocketMessage(true, Objects.requireNonNull(text, "text must not be null"), null);
    }

    /**
     * A binary message.
     *
     * @param bytes the payload (copied)
     * @return the message
     */
    public static WebSocketMessage binary(byte[] bytes) {
        return new WebSocketMessage(false, null, Objects.requireNonNull(bytes, "bytes must not be null").clone());
    }

    /**
     * Whether this is a text message.
     *
     * @return true for text, false for binary
     */
    public boolean isText() {
        return text;
    }

    /**
     * The message as text: a text message's text, or a binary message's bytes decoded as UTF-8.
     *
     * @return the text
     */
    public String text() {
        return text ? string : new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The message's payload: a binary message's bytes, or a text message's text as UTF-8.
     *
     * @return a copy of the payload
     */
    public byte[] bytes() {
        return text ? string.getBytes(StandardCharsets.UTF_8) : bytes.clone();
    }

    /**
     * The payload's length in bytes.
     *
     * @return the size
     */
    public int size() {
        return text ? string.getBytes(StandardCharsets.UTF_8).length : bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebSocketMessage m && m.text == text
                && (text ? m.string.equals(string) : Arrays.equals(m.bytes, bytes));
    }

    @Override
    public int hashCode() {
        return text ? string.hashCode() : Arrays.hashCode(bytes);
    }

    /** @return {@code text "..."} or {@code binary N bytes}, abbreviated */
    @Override
    public String toString() {
        if (!text) {
            return "binary " + bytes.length + " bytes";
        }
        return "text \"" + (string.length() > 80 ? string.substring(0, 80) + "...\" (" + string.length() + " chars)"
                : string + "\"");
    }
}
