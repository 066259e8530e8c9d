package dev.pipeline.core;

import java.time.Instant;
import java.util.Optional;

/**
 * A call that a stage's or sink's circuit breaker did not let through: the breaker is open
 * (or half-open with its probes taken), so the item fails at once, without a call and without
 * retries, and goes to the stage's {@link ErrorPolicy}. Its message names the breaker, its
 * state and since when it has been open.
 *
 * @see Stage#circuitBreaker
 * @see Breaker
 */
public final class CircuitOpenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String breaker;
    private final String state;
    private final transient Instant openSince;

    /**
     * Creates the exception.
     *
     * @param breaker the breaker's name
     * @param state its state when the call was refused (OPEN, HALF_OPEN, FORCED_OPEN)
     * @param openSince when it last opened, on the run's clock; null if it opened before any run watched it
     * @param cause resilience4j's {@code CallNotPermittedException}
     */
    public CircuitOpenException(String breaker, String state, Instant openSince, Throwable cause) {
        super("circuit breaker '" + breaker + "' is " + state
                + (openSince != null ? " since " + openSince : " (it opened before this run)")
                + ": the call was not made; it lets a probe through once its open period has passed", cause);
        this.breaker = breaker;
        this.state = state;
        this.openSince = openSince;
    }

    /** @return the breaker's name */
    public String breaker() {
        return breaker;
    }

    /** @return its state when the call was refused: OPEN, HALF_OPEN or FORCED_OPEN */
    public String state() {
        return state;
    }

    /** @return when it last opened, if a run saw it open */
    public Optional<Instant> openSince() {
        return Optional.ofNullable(openSince);
    }
}
