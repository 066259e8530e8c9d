package dev.pipeline.connectors.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import reactor.core.publisher.Mono;

/**
 * How an {@linkplain HttpSources#server ingest server} listens and what it accepts. Immutable:
 * each option method returns a copy, named as {@link HttpOptions}' are; each option's value is
 * read back by the method of the same name without arguments.
 *
 * <pre>{@code
 * HttpIngestOptions options = HttpIngestOptions.defaults()
 *         .port(8080)
 *         .bearerToken(System.getenv("INGEST_TOKEN"))
 *         .queue(1024, Duration.ofSeconds(2))
 *         .maxBodySize(64 * 1024 * 1024);
 * }</pre>
 */
public final class HttpIngestOptions {

    /** What the server does with a line (or array element) it cannot decode. */
    public enum Malformed {
        /** Answer 400 naming the line; the items before it stay accepted. The default. */
        REJECT_REQUEST,
        /**
         * Hand the raw line to the source's error policy ({@code Source.onError}: skip or
         * dead-letter it and go on; fail-fast fails the run) and keep reading. The answer counts
         * such lines as {@code rejected}.
         */
        ERROR_POLICY
    }

    private static final HttpIngestOptions DEFAULTS = new HttpIngestOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        String host = "127.0.0.1";
        int port;
        String path = "/ingest";
        int queueCapacity = 256;
        Duration queueTimeout = Duration.ofSeconds(5);
        Duration retryAfter = Duration.ofSeconds(1);
        long maxBodySize = 64L * 1024 * 1024;
        int maxLineSize = 1024 * 1024;
        String bearerToken;
        Malformed malformed = Malformed.REJECT_REQUEST;
        Consumer<InetSocketAddress> onBound;
        Supplier<PipelineReport<?>> metrics;
        Mono<?> stopSignal;
        Duration drainTimeout = Duration.ofSeconds(30);
        ObjectMapper mapper = HttpOptions.defaults().mapper();
    }

    private final Values v;

    private HttpIngestOptions(Values v) {
        this.v = v;
    }

    private HttpIngestOptions with(Consumer<Values> change) {
        return new HttpIngestOptions(v.with(change));
    }

    /**
     * The defaults, as listed on each option.
     *
     * @return the default options
     */
    public static HttpIngestOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The address to bind. Defaults to 127.0.0.1. Bind to {@code 0.0.0.0} only behind a
     * bearer token or a proxy.
     *
     * @param host a host name or IP address
     * @return a copy with that address
     */
    public HttpIngestOptions host(String host) {
        Require.nonBlank(host, "host");
        return with(o -> o.host = host);
    }

    /**
     * The port to bind. Defaults to 0, an ephemeral port (see {@link #onBound(Consumer)}).
     *
     * @param port the port, 0 to 65535
     * @return a copy with that port
     */
    public HttpIngestOptions port(int port) {
        Require.port(port, "port");
        return with(o -> o.port = port);
    }

    /**
     * The path that accepts POSTs of items. Defaults to {@code /ingest}.
     *
     * @param path the path, starting with {@code /}
     * @return a copy with that path
     */
    public HttpIngestOptions path(String path) {
        if (Require.nonBlank(path, "path").charAt(0) != '/' || path.equals("/health") || path.equals("/metrics")) {
            throw new IllegalArgumentException("path must start with / and not be /health or /metrics, was " + path);
        }
        return with(o -> o.path = path);
    }

    /**
     * The hand-off queue between the requests and the pipeline, and how long a request may
     * wait for room in it: when it stays full that long, the request is answered 503 with
     * {@code Retry-After} and how many of its items were accepted, exactly: an item is counted
     * if and only if it got into the queue. Defaults to 256 items and 5 seconds.
     *
     * @param capacity the queue's capacity, {@code > 0}
     * @param timeout the longest wait for room, {@code > 0}
     * @return a copy with that queue
     */
    public HttpIngestOptions queue(int capacity, Duration timeout) {
        Require.positive(capacity, "capacity");
        Require.positive(timeout, "timeout");
        return with(o -> {
            o.queueCapacity = capacity;
            o.queueTimeout = timeout;
        });
    }

    /**
     * The {@code Retry-After} sent with a 503. Defaults to 1 second.
     *
     * @param retryAfter the delay (whole seconds are sent), {@code >= 0}
     * @return a copy with that delay
     */
    public HttpIngestOptions retryAfter(Duration retryAfter) {
        Require.nonNegative(retryAfter, "retryAfter");
        return with(o -> o.retryAfter = retryAfter);
    }

    /**
     * The largest request body: above it the request is answered 413 (at once when
     * {@code Content-Length} says so, else when the limit is crossed; items before that stay
     * accepted). Defaults to 64 MiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public HttpIngestOptions maxBodySize(long bytes) {
        Require.positive(bytes, "maxBodySize");
        return with(o -> o.maxBodySize = bytes);
    }

    /**
     * The longest NDJSON line (or JSON array element): a longer one is answered 413 naming it.
     * Defaults to 1 MiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public HttpIngestOptions maxLineSize(int bytes) {
        Require.positive(bytes, "maxLineSize");
        return with(o -> o.maxLineSize = bytes);
    }

    /**
     * Requires {@code Authorization: Bearer <token>} on every request (compared in constant
     * time; 401 without it). {@code /health} stays open. Defaults to none (no token required).
     *
     * @param token the token
     * @return a copy requiring that token
     */
    public HttpIngestOptions bearerToken(String token) {
        Require.nonBlank(token, "token");
        return with(o -> o.bearerToken = token);
    }

    /**
     * What to do with a line that does not decode. Defaults to {@link Malformed#REJECT_REQUEST}.
     *
     * @param malformed the behaviour
     * @return a copy with that behaviour
     */
    public HttpIngestOptions onMalformed(Malformed malformed) {
        Require.nonNull(malformed, "malformed");
        return with(o -> o.malformed = malformed);
    }

    /**
     * Called with the bound address once the server listens (each run), for example to learn
     * an ephemeral port. Defaults to none.
     *
     * @param onBound the callback; must not block
     * @return a copy with that callback
     */
    public HttpIngestOptions onBound(Consumer<InetSocketAddress> onBound) {
        Require.nonNull(onBound, "onBound");
        return with(o -> o.onBound = onBound);
    }

    /**
     * What {@code GET /metrics} shows: typically {@code running::report} of the
     * {@link dev.pipeline.core.RunningPipeline} this server feeds. Defaults to none:
     * {@code /metrics} then shows only the server's own counters.
     *
     * @param report supplies the live report (may return null before the run is known)
     * @return a copy with that supplier
     */
    public HttpIngestOptions metrics(Supplier<PipelineReport<?>> report) {
        Require.nonNull(report, "report");
        return with(o -> o.metrics = report);
    }

    /**
     * A graceful stop: when {@code signal} emits or completes, the server answers new requests
     * 503, lets the requests in flight finish (up to the drain timeout), then the source
     * completes once the pipeline has taken every accepted item. Defaults to none: the source
     * then ends only when the run is cancelled or stopped (and requests in flight are answered
     * 503); the drain timeout defaults to 30 seconds.
     *
     * @param signal the stop signal, subscribed when the server starts
     * @param drainTimeout how long requests in flight may take, {@code >= 0}
     * @return a copy with that stop signal
     */
    public HttpIngestOptions stopSignal(Mono<?> signal, Duration drainTimeout) {
        Require.nonNull(signal, "signal");
        Require.nonNegative(drainTimeout, "drainTimeout");
        return with(o -> {
            o.stopSignal = signal;
            o.drainTimeout = drainTimeout;
        });
    }

    /**
     * The Jackson mapper that decodes items. Defaults to {@link HttpOptions#mapper()} of the
     * default HTTP options.
     *
     * @param mapper the mapper
     * @return a copy with that mapper
     */
    public HttpIngestOptions mapper(ObjectMapper mapper) {
        Require.nonNull(mapper, "mapper");
        return with(o -> o.mapper = mapper);
    }

    /** @return the host to bind */
    public String host() {
        return v.host;
    }

    /** @return the port to bind (0: ephemeral) */
    public int port() {
        return v.port;
    }

    /** @return the ingest path */
    public String path() {
        return v.path;
    }

    /** @return the hand-off queue's capacity, set by {@link #queue} */
    public int queueCapacity() {
        return v.queueCapacity;
    }

    /** @return the longest wait for room in the queue, set by {@link #queue} */
    public Duration queueTimeout() {
        return v.queueTimeout;
    }

    /** @return the Retry-After sent with 503 */
    public Duration retryAfter() {
        return v.retryAfter;
    }

    /** @return the largest body, in bytes */
    public long maxBodySize() {
        return v.maxBodySize;
    }

    /** @return the longest line, in bytes */
    public int maxLineSize() {
        return v.maxLineSize;
    }

    /** @return the bearer token, if one is required */
    public Optional<String> bearerToken() {
        return Optional.ofNullable(v.bearerToken);
    }

    /** @return the malformed-line behaviour */
    public Malformed onMalformed() {
        return v.malformed;
    }

    /** @return the bound callback, if any */
    public Optional<Consumer<InetSocketAddress>> onBound() {
        return Optional.ofNullable(v.onBound);
    }

    /** @return the report supplier for /metrics, if any */
    public Optional<Supplier<PipelineReport<?>>> metrics() {
        return Optional.ofNullable(v.metrics);
    }

    /** @return the stop signal, if any, set by {@link #stopSignal} */
    public Optional<Mono<?>> stopSignal() {
        return Optional.ofNullable(v.stopSignal);
    }

    /** @return how long requests in flight may take after the stop signal, set by {@link #stopSignal} */
    public Duration drainTimeout() {
        return v.drainTimeout;
    }

    /** @return the mapper */
    public ObjectMapper mapper() {
        return v.mapper;
    }

    @Override
    public String toString() {
        return "HttpIngestOptions[" + v.host + ":" + v.port + v.path + ", queue " + v.queueCapacity + "/" + v.queueTimeout
                + ", retryAfter " + v.retryAfter + ", maxBody " + v.maxBodySize + ", maxLine " + v.maxLineSize
                + ", auth " + (v.bearerToken != null) + ", onMalformed " + v.malformed + ", drain " + v.drainTimeout + "]";
    }
}
