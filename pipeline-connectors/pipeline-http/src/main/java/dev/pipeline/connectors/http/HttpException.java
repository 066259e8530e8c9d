package dev.pipeline.connectors.http;

import java.net.URI;

/**
 * An HTTP exchange failed for a reason of HTTP: a non-2xx status ({@link HttpStatusException}),
 * or a response that could not be used (too large, wrong content type, a body that is not the
 * JSON expected). Carries the method and the URL. Connection errors of the one-body stages and
 * sinks are not wrapped: they reach the error policy as the {@link java.io.IOException} Reactor
 * Netty raised. A streamed body's are (a connection that closes or resets mid-stream, a line
 * over the limit), naming the URL and the items received before, with the cause kept.
 */
public class HttpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String method;
    private final transient URI uri;

    /**
     * Creates the exception.
     *
     * @param method the request method, such as {@code GET}
     * @param uri the request URL
     * @param message what went wrong, after {@code "METHOD URL "}
     * @param cause the cause, or null
     */
    public HttpException(String method, URI uri, String message, Throwable cause) {
        super(method + " " + uri + " " + message, cause);
        this.method = method;
        this.uri = uri;
    }

    /**
     * The request method.
     *
     * @return the method, such as {@code GET}
     */
    public String method() {
        return method;
    }

    /**
     * The request URL.
     *
     * @return the URL
     */
    public URI uri() {
        return uri;
    }
}
