package dev.pipeline.connectors.http;

import java.time.Duration;
import java.util.function.Consumer;

import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;

/**
 * How an {@linkplain HttpSinks#post HTTP sink} groups items into requests: items per request,
 * the longest an item waits for its batch to fill, and the encoding. The client's side (the
 * requests in flight, timeouts, retries, headers) is {@link HttpOptions}. Immutable: each
 * option method returns a copy; {@code batchSize} and {@code maxWait} mean what they mean for
 * the database sinks' {@code InsertOptions}.
 *
 * <pre>{@code
 * Sink<Order, Long> upload = HttpSinks.post("upload", URI.create("http://127.0.0.1:8080/orders"),
 *         HttpOptions.defaults().concurrency(4),
 *         HttpPostOptions.defaults().batchSize(500).maxWait(Duration.ofSeconds(1)).format(HttpSinks.Format.NDJSON));
 * }</pre>
 */
public final class HttpPostOptions {

    /** Default items per request. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** Default longest wait to fill a batch. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(500);

    private static final HttpPostOptions DEFAULTS = new HttpPostOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        int batchSize = DEFAULT_BATCH_SIZE;
        /** Null until set: the default applies, and a batch size of 1 is no conflict. */
        Duration maxWait;
        HttpSinks.Format format = HttpSinks.Format.JSON_ARRAY;

        @Override
        protected void check() {
            if (batchSize == 1 && maxWait != null) {
                throw new IllegalArgumentException("HttpPostOptions: maxWait (" + maxWait + ") does nothing with batchSize 1:"
                        + " each item is sent at once; leave maxWait unset or raise batchSize");
            }
        }
    }

    private final Values v;

    private HttpPostOptions(Values v) {
        this.v = v;
    }

    private HttpPostOptions with(Consumer<Values> change) {
        return new HttpPostOptions(v.with(change));
    }

    /**
     * The defaults, as listed on each option.
     *
     * @return the default options
     */
    public static HttpPostOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Items per request. Defaults to {@value #DEFAULT_BATCH_SIZE}.
     *
     * @param items the batch size, {@code > 0}
     * @return a copy with that size
     * @throws IllegalArgumentException for 1 when a {@link #maxWait(Duration) maxWait} is set
     */
    public HttpPostOptions batchSize(int items) {
        Require.positive(items, "batchSize");
        return with(o -> o.batchSize = items);
    }

    /**
     * The longest an item waits for its batch to fill. Defaults to 500 ms. A sink that
     * finishes a request and finds no batch full sends the partial one at once (as
     * {@link dev.pipeline.core.Stage#batch} does); while items come faster than they are sent,
     * batches are full.
     *
     * @param maxWait the wait, {@code > 0}
     * @return a copy with that wait
     * @throws IllegalArgumentException with a {@link #batchSize(int) batchSize} of 1, where a
     *     wait does nothing
     */
    public HttpPostOptions maxWait(Duration maxWait) {
        Require.positive(maxWait, "maxWait");
        return with(o -> o.maxWait = maxWait);
    }

    /**
     * How a batch is encoded. Defaults to {@link HttpSinks.Format#JSON_ARRAY}.
     *
     * @param format the format
     * @return a copy with that format
     */
    public HttpPostOptions format(HttpSinks.Format format) {
        Require.nonNull(format, "format");
        return with(o -> o.format = format);
    }

    /** @return items per request */
    public int batchSize() {
        return v.batchSize;
    }

    /** @return the longest wait to fill a batch */
    public Duration maxWait() {
        return v.maxWait == null ? DEFAULT_MAX_WAIT : v.maxWait;
    }

    /** @return the encoding of a batch */
    public HttpSinks.Format format() {
        return v.format;
    }

    @Override
    public String toString() {
        return "HttpPostOptions[batchSize=" + v.batchSize + ", maxWait=" + maxWait() + ", format=" + v.format + "]";
    }
}
