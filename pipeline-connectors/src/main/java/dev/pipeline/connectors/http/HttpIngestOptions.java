package dev.pipeline.connectors.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.connectors.internal.Require;
import reactor.core.publisher.Mono;

/**
 * How an {@linkplain HttpSources#server ingest server} listens and what it accepts. Immutable:
 * each {@code withX} returns a copy.
 *
 * <pre>{@code
 * HttpIngestOptions options = HttpIngestOptions.defaults()
 *         .withPort(8080)
 *         .withBearerToken(System.getenv("INGEST_TOKEN"))
 *         .withQueue(1024, Duration.ofSeconds(2))
 *         .withMaxBodySize(64 * 1024 * 1024);
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

    private static final HttpIngestOptions DEFAULTS = new HttpIngestOptions("127.0.0.1", 0, "/ingest", 256,
            Duration.ofSeconds(5), Duration.ofSeconds(1), 64L * 1024 * 1024, 1024 * 1024, null, Malformed.REJECT_REQUEST,
            null, null, null, Duration.ofSeconds(30), null);

    final String host;
    final int port;
    final String path;
    final int queueCapacity;
    final Duration queueTimeout;
    final Duration retryAfter;
    final long maxBodySize;
    final int maxLineSize;
    final String bearerToken;
    final Malformed malformed;
    final Consumer<InetSocketAddress> onBound;
    final Supplier<PipelineReport<?>> metrics;
    final Mono<?> stopSignal;
    final Duration drainTimeout;
    final ObjectMapper mapper;

    private HttpIngestOptions(String host, int port, String path, int queueCapacity, Duration queueTimeout,
            Duration retryAfter, long maxBodySize, int maxLineSize, String bearerToken, Malformed malformed,
            Consumer<InetSocketAddress> onBound, Supplier<PipelineReport<?>> metrics, Mono<?> stopSignal,
            Duration drainTimeout, ObjectMapper mapper) {
        this.host = host;
        this.port = port;
        this.path = path;
        this.queueCapacity = queueCapacity;
        this.queueTimeout = queueTimeout;
        this.retryAfter = retryAfter;
        this.maxBodySize = maxBodySize;
        this.maxLineSize = maxLineSize;
        this.bearerToken = bearerToken;
        this.malformed = malformed;
        this.onBound = onBound;
        this.metrics = metrics;
        this.stopSignal = stopSignal;
        this.drainTimeout = drainTimeout;
        this.mapper = mapper;
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
     * The address and port to bind. Defaults to 127.0.0.1 and port 0 (an ephemeral port; see
     * {@link #withOnBound}). Bind to {@code 0.0.0.0} only behind a bearer token or a proxy.
     *
     * @param host the address
     * @param port the port, 0 to 65535
     * @return a copy with that address
     */
    public HttpIngestOptions withAddress(String host, int port) {
        Require.nonBlank(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter, maxBodySize,
                maxLineSize, bearerToken, malformed, onBound, metrics, stopSignal, drainTimeout, mapper);
    }

    /**
     * The port to bind on the configured host. Defaults to 0 (ephemeral).
     *
     * @param port the port, 0 to 65535
     * @return a copy with that port
     */
    public HttpIngestOptions withPort(int port) {
        return withAddress(host, port);
    }

    /**
     * The path that accepts POSTs of items. Defaults to {@code /ingest}.
     *
     * @param path the path, starting with {@code /}
     * @return a copy with that path
     */
    public HttpIngestOptions withPath(String path) {
        if (Require.nonBlank(path, "path").charAt(0) != '/' || path.equals("/health") || path.equals("/metrics")) {
            throw new IllegalArgumentException("path must start with / and not be /health or /metrics, was " + path);
        }
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter, maxBodySize,
                maxLineSize, bearerToken, malformed, onBound, metrics, stopSignal, drainTimeout, mapper);
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
    public HttpIngestOptions withQueue(int capacity, Duration timeout) {
        return new HttpIngestOptions(host, port, path, Require.positive(capacity, "capacity"),
                Require.positive(timeout, "timeout"), retryAfter, maxBodySize, maxLineSize, bearerToken, malformed,
                onBound, metrics, stopSignal, drainTimeout, mapper);
    }

    /**
     * The {@code Retry-After} sent with a 503. Defaults to 1 second.
     *
     * @param retryAfter the delay (whole seconds are sent), {@code >= 0}
     * @return a copy with that delay
     */
    public HttpIngestOptions withRetryAfter(Duration retryAfter) {
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout,
                Require.nonNegative(retryAfter, "retryAfter"), maxBodySize, maxLineSize, bearerToken, malformed, onBound,
                metrics, stopSignal, drainTimeout, mapper);
    }

    /**
     * The largest request body: above it the request is answered 413 (at once when
     * {@code Content-Length} says so, else when the limit is crossed; items before that stay
     * accepted). Defaults to 64 MiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public HttpIngestOptions withMaxBodySize(long bytes) {
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter,
                Require.positive(bytes, "maxBodySize"), maxLineSize, bearerToken, malformed, onBound, metrics,
                stopSignal, drainTimeout, mapper);
    }

    /**
     * The longest NDJSON line (or JSON array element): a longer one is answered 413 naming it.
     * Defaults to 1 MiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public HttpIngestOptions withMaxLineSize(int bytes) {
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter, maxBodySize,
                Require.positive(bytes, "maxLineSize"), bearerToken, malformed, onBound, metrics, stopSignal,
                drainTimeout, mapper);
    }

    /**
     * Requires {@code Authorization: Bearer <token>} on every request (compared in constant
     * time; 401 without it). {@code /health} stays open. None by default.
     *
     * @param token the token
     * @return a copy requiring that token
     */
    public HttpIngestOptions withBearerToken(String token) {
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter, maxBodySize,
                maxLineSize, Require.nonBlank(token, "token"), malformed, onBound, metrics, stopSignal, drainTimeout,
                mapper);
    }

    /**
     * What to do with a line that does not decode. Defaults to {@link Malformed#REJECT_REQUEST}.
     *
     * @param malformed the behaviour
     * @return a copy with that behaviour
     */
    public HttpIngestOptions withMalformed(Malformed malformed) {
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter, maxBodySize,
                maxLineSize, bearerToken, Require.nonNull(malformed, "malformed"), onBound, metrics, stopSignal,
                drainTimeout, mapper);
    }

    /**
     * Called with the bound address once the server listens (each run), for example to learn
     * an ephemeral port. None by default.
     *
     * @param onBound the callback; must not block
     * @return a copy with that callback
     */
    public HttpIngestOptions withOnBound(Consumer<InetSocketAddress> onBound) {
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter, maxBodySize,
                maxLineSize, bearerToken, malformed, Require.nonNull(onBound, "onBound"), metrics, stopSignal,
                drainTimeout, mapper);
    }

    /**
     * What {@code GET /metrics} shows: typically {@code running::report} of the
     * {@link dev.pipeline.core.RunningPipeline} this server feeds. Without it {@code /metrics}
     * shows only the server's own counters.
     *
     * @param report supplies the live report (may return null before the run is known)
     * @return a copy with that supplier
     */
    public HttpIngestOptions withMetrics(Supplier<PipelineReport<?>> report) {
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter, maxBodySize,
                maxLineSize, bearerToken, malformed, onBound, Require.nonNull(report, "report"), stopSignal,
                drainTimeout, mapper);
    }

    /**
     * A graceful stop: when {@code signal} emits or completes, the server answers new requests
     * 503, lets the requests in flight finish (up to the drain timeout), then the source
     * completes once the pipeline has taken every accepted item. Without it the source ends
     * only when the run is cancelled or stopped (then requests in flight are answered 503).
     *
     * @param signal the stop signal, subscribed when the server starts
     * @param drainTimeout how long requests in flight may take, {@code >= 0}
     * @return a copy with that stop signal
     */
    public HttpIngestOptions withStopSignal(Mono<?> signal, Duration drainTimeout) {
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter, maxBodySize,
                maxLineSize, bearerToken, malformed, onBound, metrics, Require.nonNull(signal, "signal"),
                Require.nonNegative(drainTimeout, "drainTimeout"), mapper);
    }

    /**
     * The Jackson mapper that decodes items. Defaults to {@link HttpOptions#objectMapper()} of
     * the default HTTP options.
     *
     * @param mapper the mapper
     * @return a copy with that mapper
     */
    public HttpIngestOptions withObjectMapper(ObjectMapper mapper) {
        return new HttpIngestOptions(host, port, path, queueCapacity, queueTimeout, retryAfter, maxBodySize,
                maxLineSize, bearerToken, malformed, onBound, metrics, stopSignal, drainTimeout,
                Require.nonNull(mapper, "mapper"));
    }

    /** @return the host to bind */
    public String host() {
        return host;
    }

    /** @return the port to bind (0: ephemeral) */
    public int port() {
        return port;
    }

    /** @return the ingest path */
    public String path() {
        return path;
    }

    /** @return the hand-off queue's capacity */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** @return the longest wait for room in the queue */
    public Duration queueTimeout() {
        return queueTimeout;
    }

    /** @return the Retry-After sent with 503 */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** @return the largest body, in bytes */
    public long maxBodySize() {
        return maxBodySize;
    }

    /** @return the longest line, in bytes */
    public int maxLineSize() {
        return maxLineSize;
    }

    /** @return the bearer token, if one is required */
    public Optional<String> bearerToken() {
        return Optional.ofNullable(bearerToken);
    }

    /** @return the malformed-line behaviour */
    public Malformed malformed() {
        return malformed;
    }

    /** @return the bound callback, if any */
    public Optional<Consumer<InetSocketAddress>> onBound() {
        return Optional.ofNullable(onBound);
    }

    /** @return the report supplier for /metrics, if any */
    public Optional<Supplier<PipelineReport<?>>> metrics() {
        return Optional.ofNullable(metrics);
    }

    /** @return the stop signal, if any */
    public Optional<Mono<?>> stopSignal() {
        return Optional.ofNullable(stopSignal);
    }

    /** @return how long requests in flight may take after the stop signal */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** @return the mapper */
    public ObjectMapper objectMapper() {
        return mapper != null ? mapper : HttpOptions.defaults().objectMapper();
    }

    @Override
    public String toString() {
        return "HttpIngestOptions[" + host + ":" + port + path + ", queue " + queueCapacity + "/" + queueTimeout
                + ", maxBody " + maxBodySize + ", maxLine " + maxLineSize + ", auth " + (bearerToken != null) + "]";
    }
}
