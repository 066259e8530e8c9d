package dev.pipeline.connectors.http;

import java.net.URI;

/**
 * The server said it did not take one item of a request: it counted the item as
 * {@code rejected} in its answer's {@code {"accepted":n,"rejected":m}}, or it answered 2xx with
 * counts that leave the item out. {@link HttpSinks#post} hands the item with this error to its
 * error policy and never sends it again. Carries the answer's status and the item's position
 * in the request; for an error answer, the cause is its {@link HttpStatusException} (with the
 * start of the body and any {@code Retry-After}).
 *
 * <pre>{@code
 * if (deadLetter.error() instanceof HttpItemRejectedException e) {
 *     log.warn("the server refused {} (status {})", deadLetter.item(), e.status());
 * }
 * }</pre>
 */
public final class HttpItemRejectedException extends HttpException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int position;

    /**
     * Creates the exception.
     *
     * @param method the request method
     * @param uri the request URL
     * @param status the answer's status code
     * @param position the item's position in the request, from 1
     * @param message what the server said, after {@code "METHOD URL "}
     * @param cause the answer's {@link HttpStatusException} for an error status, or null for a 2xx
     */
    public HttpItemRejectedException(String method, URI uri, int status, int position, String message, Throwable cause) {
        super(method, uri, message, cause);
        this.status = status;
        this.position = position;
    }

    /**
     * The status of the answer that gave the counts.
     *
     * @return the status, such as 200 or 503
     */
    public int status() {
        return status;
    }

    /**
     * The item's position in the request the answer was to, counted from 1 (as the server counts
     * the items of a body).
     *
     * @return the position, {@code >= 1}
     */
    public int position() {
        return position;
    }
}
