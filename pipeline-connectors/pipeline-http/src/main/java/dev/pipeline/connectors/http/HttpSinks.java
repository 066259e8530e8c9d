package dev.pipeline.connectors.http;

import java.net.URI;

import dev.pipeline.connectors.http.internal.BatchPost;
import dev.pipeline.core.Sink;
import dev.pipeline.connectors.internal.Require;

/**
 * Sinks that POST items to an HTTP endpoint in batches, as a JSON array or NDJSON per request,
 * with the same retry rule as {@link HttpStages}. The sink's result is the number of items the
 * server accepted.
 *
 * <pre>{@code
 * Sink<Order, Long> upload = HttpSinks.post("upload", URI.create("http://127.0.0.1:8080/orders"),
 *         HttpOptions.defaults().concurrency(4),
 *         HttpPostOptions.defaults().batchSize(500).maxWait(Duration.ofSeconds(1)).format(HttpSinks.Format.NDJSON))
 *     .onError(ErrorPolicy.deadLetter(failed));
 * }</pre>
 *
 * <p><b>What the server took.</b> An answer, 2xx or an error, whose body is a JSON object with
 * an integer {@code accepted} (and optionally {@code rejected}) field, as every answer of
 * {@link HttpSources#server} to a POST is, says that the server took the first
 * {@code accepted + rejected} items of the request: the first {@code accepted} count as stored,
 * the next {@code rejected} go to the sink's error policy with an
 * {@link HttpItemRejectedException} (URL, status, the item's position in the request), and a
 * retry sends only the rest, so such a server never gets an item twice. An error answer without
 * counts (or with counts that do not fit the request) took nothing: a retry sends the rest
 * again whole. A 2xx without counts took everything; a 2xx whose counts leave items out ends the
 * request as well, and those items go to the policy with an {@code HttpItemRejectedException},
 * never sent again.
 *
 * <p><b>Retries</b> count the attempts in a row in which the server took nothing: a batch
 * fails after {@code 1 + retries} of them, while an attempt that took items uses no retry (a
 * busy server that takes a batch bit by bit through 503s gets it all). Each attempt goes
 * through the sink's {@link dev.pipeline.core.Sink#circuitBreaker circuit breaker}, which counts
 * every error answer as a failure, even one that took items. When a batch fails (its retries
 * used up, a 4xx, the breaker open), only its items the server has not taken go to the error
 * policy, with the last error and the number of attempts that carried them (fail-fast: the run
 * fails; skip or dead-letter: the items are counted so and the run goes on). Every item is
 * counted once, as stored or rejected. <b>Thread</b>: items are encoded once each, on the
 * thread that delivers the batch; an item that cannot be encoded goes to the policy alone.
 * <b>On cancel</b> the request in flight is cancelled and its connection closed.
 */
public final class HttpSinks {

    /** How a batch is encoded in one request body. */
    public enum Format {
        /** One JSON array per request, {@code Content-Type: application/json}. */
        JSON_ARRAY,
        /** One JSON document per line, {@code Content-Type: application/x-ndjson}. */
        NDJSON
    }

    private HttpSinks() {
    }

    /**
     * A sink that POSTs items as JSON arrays of up to 100 items, with default options.
     *
     * @param name the sink's name
     * @param uri the endpoint
     * @param <T> the item type (encoded with Jackson)
     * @return the sink; its result is the number of items accepted
     */
    public static <T> Sink<T, Long> post(String name, URI uri) {
        return post(name, uri, HttpOptions.defaults(), HttpPostOptions.defaults());
    }

    /**
     * A sink that POSTs items in batches of the {@linkplain HttpPostOptions#defaults() default}
     * shape with the given client options; see {@link #post(String, URI, HttpOptions, HttpPostOptions)}.
     *
     * @param name the sink's name
     * @param uri the endpoint
     * @param client concurrency, timeouts, retries, headers
     * @param <T> the item type (encoded with Jackson)
     * @return the sink; its result is the number of items the server accepted
     */
    public static <T> Sink<T, Long> post(String name, URI uri, HttpOptions client) {
        return post(name, uri, client, HttpPostOptions.defaults());
    }

    /**
     * A sink that POSTs items in batches: {@code post} shapes the requests (batch size, wait,
     * format), {@link HttpOptions#concurrency(int) client.concurrency} bounds the requests in
     * flight, and the client's retry options apply to each request.
     *
     * @param name the sink's name
     * @param uri the endpoint
     * @param client concurrency, timeouts, retries, headers
     * @param post batching and format
     * @param <T> the item type (encoded with Jackson)
     * @return the sink; its result is the number of items the server accepted
     */
    public static <T> Sink<T, Long> post(String name, URI uri, HttpOptions client, HttpPostOptions post) {
        Require.nonBlank(name, "name");
        Require.nonNull(uri, "uri");
        Require.nonNull(client, "client");
        Require.nonNull(post, "post");
        BatchPost<T> batches = new BatchPost<>(name, uri, client, post);
        return Sink.create(name, batches::run);
    }
}
