package dev.pipeline.core.aio;

import java.util.Objects;

import dev.pipeline.core.internal.Require;

/**
 * The result of one awaited coroutine: a value or a failure. What
 * {@link Tasks#gatherSettled} returns for each argument, like an entry of asyncio's
 * {@code gather(..., return_exceptions=True)}.
 *
 * <pre>{@code
 * List<Outcome<String>> all = Tasks.gatherSettled(a, b).block();
 * all.stream().filter(Outcome::isSuccess).map(Outcome::value).forEach(System.out::println);
 * }</pre>
 *
 * @param <T> the value type
 */
public final class Outcome<T> {

    private final T value;
    private final Throwable error;

    private Outcome(T value, Throwable error) {
        this.value = value;
        this.error = error;
    }

    /**
     * A successful outcome.
     *
     * @param value the value ({@link Tasks#gatherSettled} never produces a null one: an empty
     *     Mono is a failure there)
     * @param <T> the value type
     * @return a success
     */
    public static <T> Outcome<T> success(T value) {
        return new Outcome<>(value, null);
    }

    /**
     * A failed outcome.
     *
     * @param error the failure
     * @param <T> the value type
     * @return a failure
     */
    public static <T> Outcome<T> failure(Throwable error) {
        return new Outcome<>(null, Require.nonNull(error, "error"));
    }

    /**
     * Whether this outcome is a success.
     *
     * @return true for a value, false for a failure
     */
    public boolean isSuccess() {
        return error == null;
    }

    /**
     * The value of a success.
     *
     * @return the value
     * @throws IllegalStateException if this is a failure (with the failure as its cause)
     */
    public T value() {
        if (error != null) {
            throw new IllegalStateException("value() called on a failed Outcome: " + error, error);
        }
        return value;
    }

    /**
     * The failure.
     *
     * @return the failure, or null for a success
     */
    public Throwable error() {
        return error;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Outcome)) {
            return false;
        }
        Outcome<?> other = (Outcome<?>) o;
        return Objects.equals(value, other.value) && Objects.equals(error, other.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, error);
    }

    @Override
    public String toString() {
        return error == null ? "Success[" + value + "]" : "Failure[" + error + "]";
    }
}
