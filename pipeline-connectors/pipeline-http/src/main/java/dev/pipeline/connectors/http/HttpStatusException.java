package dev.pipeline.connectors.http;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * A server answered with a status outside 2xx. Carries the method, URL, status, the first
 * kilobyte of the body and the {@code Retry-After} the server asked for, if any. The HTTP
 * stages retry 429 and 5xx and never other 4xx.
 *
 * <pre>{@code
 * if (deadLetter.error() instanceof HttpStatusException e && e.status() == 404) { ... }
 * }</pre>
 */
public final class HttpStatusException extends HttpException {

    private static final long serialVersionUID = 1L;

    /** How much of the body an exception keeps: 1 KB. */
    public static final int BODY_PREFIX = 1024;

    private final int status;
    private final String body;
    private final transient Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param method the request method
     * @param uri the request URL
     * @param status the status code
     * @param body the start of the body (cut to {@link #BODY_PREFIX} characters)
     * @param retryAfter the server's {@code Retry-After}, or null
     */
    public HttpStatusException(String method, URI uri, int status, String body, Duration retryAfter) {
        super(method, uri, message(status, body, retryAfter), null);
        this.status = status;
        this.body = body.length() > BODY_PREFIX ? body.substring(0, BODY_PREFIX) : body;
        this.retryAfter = retryAfter;
    }

    private static String message(int status, String body, Duration retryAfter) {
        String b = body.length() > 200 ? body.substring(0, 200) + "..." : body;
        String hint = status == 429 || status >= 500 ? " (retried by the HTTP stages)"
                : status == 401 || status == 403 ? " (check the credentials in the request headers)"
                : status == 404 ? " (check the URL built from the item)" : "";
        return "returned " + status + hint + (retryAfter != null ? ", Retry-After " + retryAfter.toSeconds() + " s" : "")
                + (b.isEmpty() ? "" : ": " + b.replace('\n', ' '));
    }

    /**
     * The status code.
     *
     * @return the status, such as 503
     */
    public int status() {
        return status;
    }

    /**
     * The first {@link #BODY_PREFIX} characters of the body (empty if there was none).
     *
     * @return the start of the body
     */
    public String body() {
        return body;
    }

    /**
     * The delay the server asked for in {@code Retry-After} (seconds or an HTTP date).
     *
     * @return the delay, if the header was present and valid
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Whether the HTTP stages retry this status: 429 and 5xx.
     *
     * @return true for 429 and 5xx
     */
    public boolean retryable() {
        return status == 429 || status >= 500;
    }
}
