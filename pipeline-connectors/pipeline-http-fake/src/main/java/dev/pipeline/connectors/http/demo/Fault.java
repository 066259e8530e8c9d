package dev.pipeline.connectors.http.demo;

import java.time.Duration;
import java.util.Objects;

/**
 * One scripted answer of a {@link DemoApiServer}: what the next matching request meets instead
 * of the random faults of its {@link DemoApiOptions}. Immutable; script them with
 * {@link DemoApiServer#enqueue(Fault...)} (any path) or
 * {@link DemoApiServer#enqueue(String, Fault...)} (one path), consumed in order, one per request.
 *
 * <pre>{@code
 * api.enqueue("/items/7", Fault.status(503).retryAfter(Duration.ofSeconds(2)), Fault.reset(), Fault.latency(Duration.ofMillis(300)));
 * // GET /items/7: 503 with Retry-After: 2, then a reset connection, then the item after 300 ms, then the item
 * }</pre>
 */
public final class Fault {

    /** What the request meets. */
    enum Kind { NONE, STATUS, RESET, DROP, MALFORMED }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;
    private final Duration delay;

    private Fault(Kind kind, int status, Duration retryAfter, Duration delay) {
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.delay = delay;
    }

    /**
     * Answers with {@code status} and a small JSON error body.
     *
     * @param status an HTTP status, 100 to 599 (an error for a fault: 4xx or 5xx)
     * @return the fault
     */
    public static Fault status(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be between 100 and 599, was " + status);
        }
        return new Fault(Kind.STATUS, status, null, Duration.ZERO);
    }

    /**
     * Resets the connection (TCP RST) before answering anything.
     *
     * @return the fault
     */
    public static Fault reset() {
        return new Fault(Kind.RESET, 0, null, Duration.ZERO);
    }

    /**
     * Sends the headers and half the body, then closes the connection.
     *
     * @return the fault
     */
    public static Fault drop() {
        return new Fault(Kind.DROP, 0, null, Duration.ZERO);
    }

    /**
     * Answers 200 with truncated JSON.
     *
     * @return the fault
     */
    public static Fault malformed() {
        return new Fault(Kind.MALFORMED, 0, null, Duration.ZERO);
    }

    /**
     * Answers normally after {@code delay} (a slow answer, for timeouts).
     *
     * @param delay the delay, {@code >= 0}
     * @return the fault
     */
    public static Fault latency(Duration delay) {
        return new Fault(Kind.NONE, 0, null, Duration.ZERO).after(delay);
    }

    /**
     * Answers normally (a scripted success between faults).
     *
     * @return the fault
     */
    public static Fault none() {
        return new Fault(Kind.NONE, 0, null, Duration.ZERO);
    }

    /**
     * A copy that sends {@code Retry-After} in whole seconds with its status.
     *
     * @param retryAfter the delay to advertise, {@code >= 0}
     * @return a copy with the header
     * @throws IllegalStateException for a fault that answers no status
     */
    public Fault retryAfter(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter must not be null");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be >= 0, was " + retryAfter);
        }
        if (kind != Kind.STATUS) {
            throw new IllegalStateException("Retry-After goes with a status: use Fault.status(503).retryAfter(...), not " + this);
        }
        return new Fault(kind, status, retryAfter, delay);
    }

    /**
     * A copy that waits {@code delay} before it acts.
     *
     * @param delay the delay, {@code >= 0}
     * @return a delayed copy
     */
    public Fault after(Duration delay) {
        Objects.requireNonNull(delay, "delay must not be null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0, was " + delay);
        }
        return new Fault(kind, status, retryAfter, delay);
    }

    Kind kind() {
        return kind;
    }

    int statusCode() {
        return status;
    }

    Duration retryAfterValue() {
        return retryAfter;
    }

    Duration delay() {
        return delay;
    }

    @Override
    public String toString() {
        String s = switch (kind) {
            case NONE -> "none";
            case STATUS -> "status(" + status + ")" + (retryAfter == null ? "" : ".retryAfter(" + retryAfter + ")");
            case RESET -> "reset()";
            case DROP -> "drop()";
            case MALFORMED -> "malformed()";
        };
        return "Fault." + s + (delay.isZero() ? "" : ".after(" + delay + ")");
    }
}
