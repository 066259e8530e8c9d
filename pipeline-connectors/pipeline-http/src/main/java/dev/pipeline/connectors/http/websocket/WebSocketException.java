package dev.pipeline.connectors.http.websocket;

import java.net.URI;

import dev.pipeline.connectors.http.internal.Uris;

/**
 * A WebSocket connection failed: it could not be opened (refused, handshake answered with an
 * error status), a message was over the size limit, a reply did not come in time, or the
 * connection broke. The message starts with the URL (a password in it masked), and the cause is
 * kept. {@link WebSocketClosedException} is the server closing the connection.
 */
public class WebSocketException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient URI uri;

    /**
     * Creates the exception.
     *
     * @param uri the WebSocket URL
     * @param message what went wrong, after {@code "URL: "}
     * @param cause the cause, or null
     */
    public WebSocketException(URI uri, String message, Throwable cause) {
        super(Uris.safe(uri) + ": " + message, cause);
        this.uri = uri;
    }

    /**
     * The WebSocket URL.
     *
     * @return the URL, as given
     */
    public URI uri() {
        return uri;
    }
}
