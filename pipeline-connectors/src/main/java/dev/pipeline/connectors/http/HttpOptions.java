package dev.pipeline.connectors.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pipeline.connectors.internal.Require;
import reactor.netty.http.client.HttpClient;

/**
 * How the HTTP {@linkplain HttpStages stages} and {@linkplain HttpSinks sinks} call a server:
 * concurrency (and the connection pool sized to it), timeouts, retries, the response size limit,
 * default headers and the JSON mapper. Immutable: each {@code withX} returns a copy, so one
 * options value serves as a template for many stages.
 *
 * <pre>{@code
 * HttpOptions options = HttpOptions.defaults()
 *         .withConcurrency(32)
 *         .withResponseTimeout(Duration.ofSeconds(5))
 *         .withRetries(5, Duration.ofMillis(200), Duration.ofSeconds(10))
 *         .withHeader("Authorization", "Bearer " + token);
 * Stage<Integer, Page> pages = HttpStages.get("pages", n -> api.resolve("/records?page=" + n), Page.class, options);
 * }</pre>
 *
 * <p>Retries follow one rule everywhere: connection errors (refused, reset, closed before the
 * whole body arrived), attempt timeouts, 429 and 5xx are retried with exponential backoff and
 * jitter, waiting at least what the server's {@code Retry-After} asks; other 4xx and unusable
 * bodies are never retried.
 */
public final class HttpOptions {

    private static final HttpOptions DEFAULTS = new HttpOptions(16, Duration.ofSeconds(5), Duration.ofSeconds(30), 3,
            Duration.ofMillis(100), Duration.ofSeconds(10), 0.5, Duration.ofSeconds(60), 10 * 1024 * 1024, Map.of(),
            defaultMapper(), null, 100, Duration.ofMillis(500), HttpSinks.Format.JSON_ARRAY);

    final int concurrency;
    final Duration connectTimeout;
    final Duration responseTimeout;
    final int maxRetries;
    final Duration minBackoff;
    final Duration maxBackoff;
    final double jitter;
    final Duration maxRetryAfter;
    final int maxResponseSize;
    final Map<String, String> headers;
    final ObjectMapper mapper;
    final HttpClient client;
    final int batchSize;
    final Duration batchWait;
    final HttpSinks.Format format;

    private HttpOptions(int concurrency, Duration connectTimeout, Duration responseTimeout, int maxRetries,
            Duration minBackoff, Duration maxBackoff, double jitter, Duration maxRetryAfter, int maxResponseSize,
            Map<String, String> headers, ObjectMapper mapper, HttpClient client, int batchSize, Duration batchWait,
            HttpSinks.Format format) {
        this.concurrency = concurrency;
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.maxRetries = maxRetries;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.jitter = jitter;
        this.maxRetryAfter = maxRetryAfter;
        this.maxResponseSize = maxResponseSize;
        this.headers = headers;
        this.mapper = mapper;
        this.client = client;
        this.batchSize = batchSize;
        this.batchWait = batchWait;
        this.format = format;
    }

    private HttpOptions copy(int concurrency, Duration connectTimeout, Duration responseTimeout, int maxRetries,
            Duration minBackoff, Duration maxBackoff, double jitter, Duration maxRetryAfter, int maxResponseSize,
            Map<String, String> headers, ObjectMapper mapper, HttpClient client) {
        return new HttpOptions(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                maxRetryAfter, maxResponseSize, headers, mapper, client, batchSize, batchWait, format);
    }

    private static ObjectMapper defaultMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /**
     * The defaults, as listed on each option.
     *
     * @return the default options
     */
    public static HttpOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Requests in flight at once, which is also the size of the connection pool (one
     * connection per request in flight, kept alive between requests). Defaults to 16. Set it
     * here rather than with {@code Stage.concurrency}, which would not resize the pool.
     *
     * @param concurrency requests in flight, {@code > 0}
     * @return a copy with that concurrency
     */
    public HttpOptions withConcurrency(int concurrency) {
        return copy(Require.positive(concurrency, "concurrency"), connectTimeout, responseTimeout, maxRetries,
                minBackoff, maxBackoff, jitter, maxRetryAfter, maxResponseSize, headers, mapper, client);
    }

    /**
     * The longest a TCP connect may take. Defaults to 5 seconds.
     *
     * @param timeout the limit, {@code > 0}
     * @return a copy with that timeout
     */
    public HttpOptions withConnectTimeout(Duration timeout) {
        return copy(concurrency, Require.positive(timeout, "connectTimeout"), responseTimeout, maxRetries, minBackoff,
                maxBackoff, jitter, maxRetryAfter, maxResponseSize, headers, mapper, client);
    }

    /**
     * The longest one attempt may take, from sending the request to the last byte of the body
     * (the stage's {@code timeout}: it fails with {@link dev.pipeline.core.ItemTimeoutException},
     * then is retried). Timed on Reactor's parallel scheduler, so virtual time applies.
     * Defaults to 30 seconds.
     *
     * @param timeout the limit, {@code > 0}
     * @return a copy with that timeout
     */
    public HttpOptions withResponseTimeout(Duration timeout) {
        return copy(concurrency, connectTimeout, Require.positive(timeout, "responseTimeout"), maxRetries, minBackoff,
                maxBackoff, jitter, maxRetryAfter, maxResponseSize, headers, mapper, client);
    }

    /**
     * How often a failed request is retried, and the backoff between attempts: the n-th retry
     * waits {@code minBackoff * 2^(n-1)}, at most {@code maxBackoff}, with jitter, and at least
     * the server's {@code Retry-After}. Defaults to 3 retries, 100 ms, 10 s. For a
     * {@linkplain HttpSinks sink}, an attempt in which the server said it took items uses no
     * retry: the retries count the attempts in a row that took nothing.
     *
     * @param maxRetries retries after the first attempt, {@code >= 0} (0: no retries)
     * @param minBackoff the first backoff, {@code > 0}
     * @param maxBackoff the longest backoff, {@code >= minBackoff}
     * @return a copy with that retry policy
     */
    public HttpOptions withRetries(int maxRetries, Duration minBackoff, Duration maxBackoff) {
        Require.nonNegative(maxRetries, "maxRetries");
        Require.positive(minBackoff, "minBackoff");
        Require.positive(maxBackoff, "maxBackoff");
        if (maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be >= minBackoff (" + minBackoff + "), was " + maxBackoff);
        }
        return copy(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                maxRetryAfter, maxResponseSize, headers, mapper, client);
    }

    /**
     * The jitter factor applied to each backoff: a backoff {@code d} becomes a random value in
     * {@code [d * (1 - jitter), d * (1 + jitter)]}. Defaults to 0.5.
     *
     * @param jitter between 0 and 1
     * @return a copy with that jitter
     */
    public HttpOptions withJitter(double jitter) {
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
        return copy(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                maxRetryAfter, maxResponseSize, headers, mapper, client);
    }

    /**
     * The longest {@code Retry-After} honoured: a server asking to wait longer fails the item
     * at once (with its {@link HttpStatusException}) instead of stalling the pipeline.
     * Defaults to 60 seconds.
     *
     * @param max the limit, {@code >= 0}
     * @return a copy with that limit
     */
    public HttpOptions withMaxRetryAfter(Duration max) {
        return copy(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                Require.nonNegative(max, "maxRetryAfter"), maxResponseSize, headers, mapper, client);
    }

    /**
     * The largest response body accepted; a bigger one fails the attempt with an
     * {@link HttpException} (not retried), checked against {@code Content-Length} before the
     * body is read and while it is read. Defaults to 10 MiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public HttpOptions withMaxResponseSize(int bytes) {
        return copy(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                maxRetryAfter, Require.positive(bytes, "maxResponseSize"), headers, mapper, client);
    }

    /**
     * A header sent with every request (for example {@code Authorization}). None by default.
     *
     * @param name the header name
     * @param value the header value
     * @return a copy with that header added (replacing one of the same name)
     */
    public HttpOptions withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(Require.nonBlank(name, "name"), Require.nonNull(value, "value"));
        return copy(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                maxRetryAfter, maxResponseSize, Map.copyOf(h), mapper, client);
    }

    /**
     * The Jackson mapper that decodes response bodies and encodes request bodies. Defaults to
     * a mapper with {@code java.time} support that ignores unknown properties.
     *
     * @param mapper the mapper (not modified; do not modify it afterwards)
     * @return a copy with that mapper
     */
    public HttpOptions withObjectMapper(ObjectMapper mapper) {
        return copy(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                maxRetryAfter, maxResponseSize, headers, Require.nonNull(mapper, "mapper"), client);
    }

    /**
     * A Reactor Netty client to use instead of a new one (for TLS, proxies, wiretap or a shared
     * pool): its pool then applies, not one sized by {@link #withConcurrency}. None by default.
     *
     * @param client the client
     * @return a copy with that client
     */
    public HttpOptions withClient(HttpClient client) {
        return copy(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                maxRetryAfter, maxResponseSize, headers, mapper, Require.nonNull(client, "client"));
    }

    /**
     * For {@link HttpSinks}: items per request and the longest an item waits for its batch to
     * fill. Defaults to 100 items and 500 ms. A sink that finishes a request and finds no batch
     * full sends the partial one at once (as {@link dev.pipeline.core.Stage#batch} does); while
     * items come faster than they are sent, batches are full.
     *
     * @param size items per request, {@code > 0}
     * @param maxWait the longest wait, {@code > 0}
     * @return a copy with that batching
     */
    public HttpOptions withBatch(int size, Duration maxWait) {
        return new HttpOptions(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                maxRetryAfter, maxResponseSize, headers, mapper, client, Require.positive(size, "size"),
                Require.positive(maxWait, "maxWait"), format);
    }

    /**
     * For {@link HttpSinks}: how a batch is encoded. Defaults to {@link HttpSinks.Format#JSON_ARRAY}.
     *
     * @param format the format
     * @return a copy with that format
     */
    public HttpOptions withFormat(HttpSinks.Format format) {
        return new HttpOptions(concurrency, connectTimeout, responseTimeout, maxRetries, minBackoff, maxBackoff, jitter,
                maxRetryAfter, maxResponseSize, headers, mapper, client, batchSize, batchWait,
                Require.nonNull(format, "format"));
    }

    /** @return the concurrency */
    public int concurrency() {
        return concurrency;
    }

    /** @return the connect timeout */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the per-attempt response timeout */
    public Duration responseTimeout() {
        return responseTimeout;
    }

    /** @return the retries after the first attempt */
    public int maxRetries() {
        return maxRetries;
    }

    /** @return the first backoff */
    public Duration minBackoff() {
        return minBackoff;
    }

    /** @return the longest backoff */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** @return the jitter factor */
    public double jitter() {
        return jitter;
    }

    /** @return the longest Retry-After honoured */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** @return the largest response body accepted, in bytes */
    public int maxResponseSize() {
        return maxResponseSize;
    }

    /** @return the headers sent with every request */
    public Map<String, String> headers() {
        return headers;
    }

    /** @return the JSON mapper */
    public ObjectMapper objectMapper() {
        return mapper;
    }

    /** @return the client given by {@link #withClient}, if any */
    public java.util.Optional<HttpClient> client() {
        return java.util.Optional.ofNullable(client);
    }

    /** @return the sink's batch size */
    public int batchSize() {
        return batchSize;
    }

    /** @return the sink's longest batch wait */
    public Duration batchWait() {
        return batchWait;
    }

    /** @return the sink's batch format */
    public HttpSinks.Format format() {
        return format;
    }

    @Override
    public String toString() {
        return "HttpOptions[concurrency=" + concurrency + ", connectTimeout=" + connectTimeout + ", responseTimeout="
                + responseTimeout + ", retries=" + maxRetries + " (" + minBackoff + ".." + maxBackoff + ", jitter "
                + jitter + "), maxResponseSize=" + maxResponseSize + ", headers=" + headers.keySet()
                + (Objects.isNull(client) ? "" : ", custom client") + "]";
    }
}
