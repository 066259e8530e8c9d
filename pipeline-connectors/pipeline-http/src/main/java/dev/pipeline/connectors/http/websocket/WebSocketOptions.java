package dev.pipeline.connectors.http.websocket;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * How the WebSocket {@linkplain WebSocketSources source}, {@linkplain WebSocketSinks sink} and
 * {@linkplain WebSocketStages stage} connect: the message size limit, reconnection, timeouts,
 * headers of the opening handshake, and for the stage the requests in flight. Immutable: each
 * option method returns a copy; the method of the same name without arguments reads it back.
 *
 * <pre>{@code
 * WebSocketOptions options = WebSocketOptions.defaults()
 *         .maxMessageSize(1024 * 1024)
 *         .reconnect(5, Duration.ofMillis(100), Duration.ofSeconds(5))
 *         .header("Authorization", "Bearer " + token);
 * }</pre>
 */
public final class WebSocketOptions {

    private static final WebSocketOptions DEFAULTS = new WebSocketOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        int maxMessageSize = 64 * 1024;
        int reconnects;
        Duration minBackoff = Duration.ofMillis(100);
        Duration maxBackoff = Duration.ofSeconds(10);
        Duration connectTimeout = Duration.ofSeconds(10);
        Duration responseTimeout = Duration.ofSeconds(30);
        int concurrency = 16;
        Map<String, String> headers = Map.of();
        Scheduler scheduler;
        HttpClient client;
    }

    private final Values v;

    private WebSocketOptions(Values v) {
        this.v = v;
    }

    private WebSocketOptions with(Consumer<Values> change) {
        return new WebSocketOptions(v.with(change));
    }

    /**
     * The defaults, as listed on each option.
     *
     * @return the default options
     */
    public static WebSocketOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The largest message accepted, in bytes, whole (a message fragmented into continuation
     * frames counts together). A bigger one fails the run with a {@link WebSocketException}
     * naming the URL and the limit, and the connection is closed with 1009 (message too big).
     * Defaults to 64 KiB.
     *
     * @param bytes the limit, {@code > 0}
     * @return a copy with that limit
     */
    public WebSocketOptions maxMessageSize(int bytes) {
        Require.positive(bytes, "maxMessageSize");
        return with(o -> o.maxMessageSize = bytes);
    }

    /**
     * Reconnects the {@linkplain WebSocketSources source} when the connection cannot be opened
     * or breaks, up to {@code maxReconnects} times in a row, waiting {@code minBackoff * 2^(n-1)}
     * (at most {@code maxBackoff}, with jitter) on the {@linkplain #scheduler(Scheduler)
     * scheduler}; a message received resets the count. Only breaks a reconnect may mend are
     * retried: I/O errors, an opening handshake answered 429 or 5xx, and the close codes of
     * {@link WebSocketClosedException#transientClose()}.
     * The sink and the stage retry only the opening of their connection (before any item was
     * taken): a message in flight when a connection breaks cannot be known to have arrived.
     * Defaults to 0 (no reconnects), 100 ms, 10 s.
     *
     * @param maxReconnects reconnects in a row, {@code >= 0}
     * @param minBackoff the first wait, {@code > 0}
     * @param maxBackoff the longest wait, {@code >= minBackoff}
     * @return a copy with that reconnection policy
     */
    public WebSocketOptions reconnect(int maxReconnects, Duration minBackoff, Duration maxBackoff) {
        Require.nonNegative(maxReconnects, "maxReconnects");
        Require.positive(minBackoff, "minBackoff");
        Require.positive(maxBackoff, "maxBackoff");
        if (maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("WebSocketOptions.reconnect: maxBackoff must be >= minBackoff (" + minBackoff
                    + "), was " + maxBackoff);
        }
        return with(o -> {
            o.reconnects = maxReconnects;
            o.minBackoff = minBackoff;
            o.maxBackoff = maxBackoff;
        });
    }

    /**
     * The longest the TCP connect and the opening handshake may take. Defaults to 10 seconds.
     *
     * @param timeout the limit, {@code > 0}
     * @return a copy with that timeout
     */
    public WebSocketOptions connectTimeout(Duration timeout) {
        Require.positive(timeout, "connectTimeout");
        return with(o -> o.connectTimeout = timeout);
    }

    /**
     * The longest the {@linkplain WebSocketStages stage} waits for the reply to a request,
     * timed on the {@linkplain #scheduler(Scheduler) scheduler}. Defaults to 30 seconds.
     *
     * @param timeout the limit, {@code > 0}
     * @return a copy with that timeout
     */
    public WebSocketOptions responseTimeout(Duration timeout) {
        Require.positive(timeout, "responseTimeout");
        return with(o -> o.responseTimeout = timeout);
    }

    /**
     * How many requests the {@linkplain WebSocketStages stage} has sent and not yet had the
     * reply to, at most. Defaults to 16.
     *
     * @param concurrency requests in flight, {@code > 0}
     * @return a copy with that bound
     */
    public WebSocketOptions concurrency(int concurrency) {
        Require.positive(concurrency, "concurrency");
        return with(o -> o.concurrency = concurrency);
    }

    /**
     * A header sent with the opening handshake (for example {@code Authorization}). Defaults to
     * none; each call adds one.
     *
     * @param name the header name
     * @param value the header value
     * @return a copy with that header added (replacing one of the same name)
     */
    public WebSocketOptions header(String name, String value) {
        Require.nonBlank(name, "name");
        Require.nonNull(value, "value");
        Map<String, String> h = new LinkedHashMap<>(v.headers);
        h.put(name, value);
        Map<String, String> headers = Map.copyOf(h);
        return with(o -> o.headers = headers);
    }

    /**
     * The scheduler that times reconnect backoffs and reply timeouts. Defaults to Reactor's
     * parallel scheduler, looked up when a run starts (so {@code StepVerifier.withVirtualTime}
     * applies).
     *
     * @param scheduler the scheduler
     * @return a copy with that scheduler
     */
    public WebSocketOptions scheduler(Scheduler scheduler) {
        Require.nonNull(scheduler, "scheduler");
        return with(o -> o.scheduler = scheduler);
    }

    /**
     * A Reactor Netty client to use instead of a new one (for TLS, proxies, wiretap). Defaults
     * to none (a new client, without a pool: a WebSocket holds its connection for the run).
     *
     * @param client the client
     * @return a copy with that client
     */
    public WebSocketOptions client(HttpClient client) {
        Require.nonNull(client, "client");
        return with(o -> o.client = client);
    }

    /** @return the largest message accepted, in bytes */
    public int maxMessageSize() {
        return v.maxMessageSize;
    }

    /** @return the reconnects in a row, set by {@link #reconnect} */
    public int maxReconnects() {
        return v.reconnects;
    }

    /** @return the first reconnect backoff */
    public Duration minBackoff() {
        return v.minBackoff;
    }

    /** @return the longest reconnect backoff */
    public Duration maxBackoff() {
        return v.maxBackoff;
    }

    /** @return the connect and handshake timeout */
    public Duration connectTimeout() {
        return v.connectTimeout;
    }

    /** @return the stage's reply timeout */
    public Duration responseTimeout() {
        return v.responseTimeout;
    }

    /** @return the stage's requests in flight */
    public int concurrency() {
        return v.concurrency;
    }

    /** @return the handshake headers, added by {@link #header} */
    public Map<String, String> headers() {
        return v.headers;
    }

    /** @return the scheduler set by {@link #scheduler(Scheduler)}, else Reactor's parallel scheduler now */
    public Scheduler scheduler() {
        return v.scheduler != null ? v.scheduler : Schedulers.parallel();
    }

    /** @return the client given by {@link #client(HttpClient)}, if any */
    public Optional<HttpClient> client() {
        return Optional.ofNullable(v.client);
    }

    @Override
    public String toString() {
        return "WebSocketOptions[maxMessageSize=" + v.maxMessageSize + ", reconnect=" + v.reconnects + " (" + v.minBackoff
                + ".." + v.maxBackoff + "), connectTimeout=" + v.connectTimeout + ", responseTimeout=" + v.responseTimeout
                + ", concurrency=" + v.concurrency + ", headers=" + v.headers.keySet()
                + (v.client == null ? "" : ", custom client") + "]";
    }
}
