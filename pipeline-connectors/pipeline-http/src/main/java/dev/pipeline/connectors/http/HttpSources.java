package dev.pipeline.connectors.http;

import dev.pipeline.connectors.http.internal.IngestServer;
import dev.pipeline.core.Source;
import dev.pipeline.connectors.internal.Require;

/**
 * Sources that feed a pipeline from HTTP: an ingest endpoint on Reactor Netty, like an
 * {@code aiohttp.web} handler that puts into an {@code asyncio.Queue(maxsize)}, but with real
 * backpressure.
 *
 * <pre>{@code
 * Source<Order> orders = HttpSources.server("orders", Order.class, HttpIngestOptions.defaults()
 *         .port(8080)
 *         .bearerToken(token));
 * Pipeline.from(orders).then(validate).to(store).start();
 * // curl -H 'Authorization: Bearer ...' -H 'Content-Type: application/x-ndjson' --data-binary @orders.ndjson \
 * //      http://127.0.0.1:8080/ingest    ->  {"accepted":1000,"rejected":0}
 * }</pre>
 *
 * <p>Each run binds a server (cold: nothing listens before the run starts) that answers:
 * <ul>
 *   <li>{@code POST /ingest} (see {@link HttpIngestOptions#path(String)}) with NDJSON
 *       ({@code application/x-ndjson}, {@code text/plain}) or a JSON array
 *       ({@code application/json}): each line or element is decoded into {@code type} with
 *       Jackson and handed to the pipeline through a bounded queue. The body is read as the
 *       pipeline takes items, never buffered whole. The answer is
 *       {@code 200 {"accepted":n,"rejected":m}}; or 503 with {@code Retry-After} when the queue
 *       stays full past its timeout or the server is stopping, 413 for a body or line over its
 *       limit, 400 for a malformed line (naming it) unless malformed lines go to the error
 *       policy, 401 without the bearer token, 415 for another content type. Every answer,
 *       error or not, carries {@code accepted} (items now in the pipeline's queue) and
 *       {@code rejected} (malformed items handed to the error policy): items are taken one at
 *       a time in body order, so the first {@code accepted + rejected} items were taken and a
 *       client resends exactly the rest (0 and 0 when the request was refused before its body
 *       was read).</li>
 *   <li>{@code GET /health}: {@code {"status":"UP"}} (or {@code STOPPING}), never guarded.</li>
 *   <li>{@code GET /metrics}: the server's counters and, with
 *       {@link HttpIngestOptions#metrics(java.util.function.Supplier)}, the live {@link dev.pipeline.core.PipelineReport}.</li>
 * </ul>
 *
 * <p><b>Emits when</b> the pipeline requests an item and one is queued. <b>Completes when</b>
 * the {@linkplain HttpIngestOptions#stopSignal stop signal} fired, the requests in flight
 * finished and every accepted item was taken. <b>On cancel</b> requests waiting for room are
 * answered 503, and the server closes once requests in flight have answered (at most the drain
 * timeout). <b>Thread</b>: items are decoded on Netty event loops.
 */
public final class HttpSources {

    private HttpSources() {
    }

    /**
     * An ingest server source decoding items into {@code type}.
     *
     * @param name the source's name
     * @param type the item type (decoded with Jackson)
     * @param options address, limits, authentication, queue
     * @param <T> the item type
     * @return the source; use {@code onError} on it for malformed lines with
     *     {@link HttpIngestOptions.Malformed#ERROR_POLICY}
     */
    public static <T> Source<T> server(String name, Class<T> type, HttpIngestOptions options) {
        Require.nonBlank(name, "name");
        Require.nonNull(type, "type");
        Require.nonNull(options, "options");
        return Source.create(name, ctx -> IngestServer.flux(type, options, ctx));
    }
}
