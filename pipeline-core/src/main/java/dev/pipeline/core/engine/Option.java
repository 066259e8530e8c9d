package dev.pipeline.core.engine;

/** An option of a stage, named as the {@code Stage} method that sets it (for error messages). */
public enum Option {
    CONCURRENCY("concurrency()"),
    ORDERED("ordered()"),
    TIMEOUT("timeout()"),
    RETRY("retry()"),
    ON_ERROR("onError()"),
    CIRCUIT_BREAKER("circuitBreaker()"),
    WITH_INPUT("withInput()");

    private final String method;

    Option(String method) {
        this.method = method;
    }

    /** @return the API method that sets it, e.g. {@code concurrency()} */
    public String method() {
        return method;
    }
}
