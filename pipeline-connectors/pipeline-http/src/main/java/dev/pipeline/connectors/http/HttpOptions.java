package dev.pipeline.connectors.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import reactor.netty.http.client.HttpClient;

/**
 * How the HTTP {@linkplain HttpStages stages} and {@linkplain HttpSinks sinks} call a server:
 * concurrency (and the connection pool sized to it), timeouts, retries, the response size limit,
 * default headers and the JSON mapper. Immutable: each option method returns a copy, so one
 * options value serves as a template for many stages. The option methods are named as in core
 * ({@code Stage.concurrency(n)}) and Reactor ({@code RetryBackoffSpec.maxBackoff(d)}); each
 * option's value is read back by the method of the same name without arguments.
 *
 * <pre>{@code
 * HttpOptions options = HttpOptions.defaults()
 *         .concurrency(32)
 *         .responseTimeout(Duration.ofSeconds(5))
 *         .retries(5, Duration.ofMillis(200), Duration.ofSeconds(10))
 *         .header("Authorization", "Bearer " + token);
 * Stage<Integer, Page> pages = HttpStages.get("pages", n -> api.resolve("/records?page=" + n), Page.class, options);
 * }</pre>
 *
 * <p>Retries follow one rule everywhere: connection errors (refused, reset, closed before the
 * whole body arrived), attempt timeouts, 429 and 5xx are retried with exponential backoff and
 * jitter, waiting at least what the server's {@code Retry-After} asks; other 4xx and unusable
 * bodies are never retried. How a sink groups items into requests is the sink's own
 * ({@link HttpPostOptions}).
 */
public final class HttpOptions {

    private static final HttpOptions DEFAULTS = new HttpOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        int concurrency = 16;
        Duration connectTimeout = Duration.ofSeconds(5);
        Duration responseTimeout = Duration.ofSeconds(30);
        int maxRetries = 3;
        Duration minBackoff = Duration.ofMillis(100);
        Duration maxBackoff = Duration.ofSeconds(10);
        double jitter = 0.5;
        Duration maxRetryAfter = Duration.ofSeconds(60);
        int maxResponseSize = 10 * 1024 * 1024;
        int maxLineSize = 1024 * 1024;
        Map<String, String> headers = Map.of();
        ObjectMapper mapper = defaultMapper();
        HttpClient client;
    }

    private final Values v;

    private HttpOptions(Values v) {
        this.v = v;
    }

    private HttpOptions with(Consumer<Values> change) {
        return new HttpOptions(v.with(change));
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
    public HttpOptions concurrency(int concurrency) {
        Require.positive(concurrency, "concurrency");
        return with(o -> o.concurrency = concurrency);
    }

    /**
     * The longest a TCP connect may take. Defaults to 5 seconds.
     *
     * @param timeout the limit, {@code > 0}
     * @return a copy with that timeout
     */
    public HttpOptions connectTimeout(Duration timeout) {
        Require.positive(timeout, "connectTimeout");
        return with(o -> o.connectTimeout = timeout);
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
    public HttpOptions responseTimeout(Duration timeout) {
        Require.positive(timeout, "responseTimeout");
        return with(o -> o.responseTimeout = timeout);
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
    public HttpOptions retries(int maxRetries, Duration minBackoff, Duration maxBackoff) {
        Require.nonNegative(maxRetries, "maxRetries");
        Require.positive(minBackoff, "minBackoff");
        Require.positive(maxBackoff, "maxBackoff");
        if (maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("HttpOptions.retries: maxBackoff must be >= minBackoff (" + minBackoff
                    + "), was " + maxBackoff);
        }
        return with(o -> {
            o.maxRetries = maxRetries;
            o.minBackoff = minBackoff;
            o.maxBackoff = maxBackoff;
        });
    }

    /**
     * The jitter factor applied to each backoff: a backoff {@code d} becomes a random value in
     * {@code [d * (1 - jitter), d * (1 + jitter)]}. Defaults to 0.5.
     *
     * @param jitter between 0 and 1
     * @return a copy with that jitter
     */
    public HttpOptions jitter(double jitter) {
        Require.fraction(jitter, "jitter");
        return with(o -> o.jitter = jitter);
    }

    /**
     * The longest {@code Retry-After} honoured: a server asking to wait longer fails the item
     * at once (with its {@link HttpStatusException}) instead of stalling the pipeline.
     * Defaults to 60 seconds.
     *
     * @param max the limit, {@code >= 0}
     * @return a copy with that limit
     */
    public HttpOptions maxRetryAfter(Duration max) {
        Require.nonNegative(max, "maxRetryAfter");
        return with(o -> o.maxRetryAfter = max);
    }

    /**
     * The largest response body accepted; a bigger one fails the attempt with an
     * {@link HttpException} (not retried), checked against {@code Content-Length} before the
     * body is read and while it is read. Defaults to 10 MiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public HttpOptions maxResponseSize(int bytes) {
        Require.positive(bytes, "maxResponseSize");
        return with(o -> o.maxResponseSize = bytes);
    }

    /**
     * The largest line of a streamed NDJSON body, or the largest server-sent event (all its
     * lines together), for {@link HttpSources#ndjson}, {@link HttpSources#events} and the
     * streaming stages. A longer one fails the stream with an {@link HttpException} naming the
     * URL and the line, as soon as it is known to be too long (it is never held whole). A
     * streamed body has no total size limit: {@link #maxResponseSize(int)} does not apply to it.
     * Defaults to 1 MiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public HttpOptions maxLineSize(int bytes) {
        Require.positive(bytes, "maxLineSize");
        return with(o -> o.maxLineSize = bytes);
    }

    /**
     * A header sent with every request (for example {@code Authorization}). Defaults to none;
     * each call adds one, read back with {@link #headers()}.
     *
     * @param name the header name
     * @param value the header value
     * @return a copy with that header added (replacing one of the same name)
     */
    public HttpOptions header(String name, String value) {
        Require.nonBlank(name, "name");
        Require.nonNull(value, "value");
        Map<String, String> h = new LinkedHashMap<>(v.headers);
        h.put(name, value);
        Map<String, String> headers = Map.copyOf(h);
        return with(o -> o.headers = headers);
    }

    /**
     * The Jackson mapper that decodes response bodies and encodes request bodies. Defaults to
     * a mapper with {@code java.time} support that ignores unknown properties.
     *
     * @param mapper the mapper (not modified; do not modify it afterwards)
     * @return a copy with that mapper
     */
    public HttpOptions mapper(ObjectMapper mapper) {
        Require.nonNull(mapper, "mapper");
        return with(o -> o.mapper = mapper);
    }

    /**
     * A Reactor Netty client to use instead of a new one (for TLS, proxies, wiretap or a shared
     * pool): its pool then applies, not one sized by {@link #concurrency(int)}. Defaults to none
     * (each stage or sink makes its own).
     *
     * @param client the client
     * @return a copy with that client
     */
    public HttpOptions client(HttpClient client) {
        Require.nonNull(client, "client");
        return with(o -> o.client = client);
    }

    /** @return the requests in flight, and the pool's size */
    public int concurrency() {
        return v.concurrency;
    }

    /** @return the connect timeout */
    public Duration connectTimeout() {
        return v.connectTimeout;
    }

    /** @return the per-attempt response timeout */
    public Duration responseTimeout() {
        return v.responseTimeout;
    }

    /** @return the retries after the first attempt, set by {@link #retries} */
    public int maxRetries() {
        return v.maxRetries;
    }

    /** @return the first backoff, set by {@link #retries} */
    public Duration minBackoff() {
        return v.minBackoff;
    }

    /** @return the longest backoff, set by {@link #retries} */
    public Duration maxBackoff() {
        return v.maxBackoff;
    }

    /** @return the jitter factor */
    public double jitter() {
        return v.jitter;
    }

    /** @return the longest Retry-After honoured */
    public Duration maxRetryAfter() {
        return v.maxRetryAfter;
    }

    /** @return the largest response body accepted, in bytes */
    public int maxResponseSize() {
        return v.maxResponseSize;
    }

    /** @return the largest streamed line or server-sent event accepted, in bytes */
    public int maxLineSize() {
        return v.maxLineSize;
    }

    /** @return the headers sent with every request, added by {@link #header} */
    public Map<String, String> headers() {
        return v.headers;
    }

    /** @return the JSON mapper */
    public ObjectMapper mapper() {
        return v.mapper;
    }

    /** @return the client given by {@link #client(HttpClient)}, if any */
    public Optional<HttpClient> client() {
        return Optional.ofNullable(v.client);
    }

    @Override
    public String toString() {
        return "HttpOptions[concurrency=" + v.concurrency + ", connectTimeout=" + v.connectTimeout + ", responseTimeout="
                + v.responseTimeout + ", retries=" + v.maxRetries + " (" + v.minBackoff + ".." + v.maxBackoff + ", jitter "
                + v.jitter + ", maxRetryAfter " + v.maxRetryAfter + "), maxResponseSize=" + v.maxResponseSize
                + ", maxLineSize=" + v.maxLineSize + ", headers=" + v.headers.keySet() + (v.client == null ? "" : ", custom client") + "]";
    }
}
