package dev.pipeline.connectors.http;

import dev.pipeline.connectors.http.internal.HttpCall;
import dev.pipeline.connectors.http.internal.HttpStream;
import dev.pipeline.connectors.http.internal.IngestServer;
import dev.pipeline.connectors.http.internal.StreamFraming;
import dev.pipeline.core.Source;
import dev.pipeline.connectors.internal.Require;

/**
 * Sources that feed a pipeline from HTTP: an ingest endpoint on Reactor Netty, like an
 * {@code aiohttp.web} handler that puts into an {@code asyncio.Queue(maxsize)}, but with real
 * backpressure; and a streamed response body as items ({@link #ndjson NDJSON lines},
 * {@link #events server-sent events}), the way a streaming inference API answers token by token.
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

    /**
     * A source that makes one request and emits its streamed response body, one NDJSON line
     * (one JSON value per line) at a time, decoded into {@code type} with the options' mapper
     * ({@code String.class} gives the raw lines; blank lines are skipped). Like
     * {@code async for line in response.content} in aiohttp. Cold: the request is made on
     * subscribe, again for each run.
     *
     * <pre>{@code
     * Source<Token> tokens = HttpSources.ndjson("tokens",
     *         HttpRequest.postJson(api.resolve("/generate"), prompt), Token.class, HttpOptions.defaults());
     * }</pre>
     *
     * <p><b>Backpressure</b>: the body is read one network chunk at a time as the pipeline takes
     * items; while downstream is slow, Reactor Netty stops reading the socket and TCP flow
     * control slows the server. Nothing but the unfinished line and one chunk's items is held.
     *
     * <p><b>Emits when</b> a line is complete and downstream has demand. <b>Completes when</b>
     * the body ends (a last line without a line end is an item). <b>Errors when</b> the status
     * is not 2xx ({@link HttpStatusException}), the first item takes longer than the
     * {@linkplain HttpOptions#responseTimeout(java.time.Duration) response timeout}, a line is
     * not valid JSON or is over {@link HttpOptions#maxLineSize(int)}, or the connection closes or
     * resets before the body's end: an {@link HttpException} naming the URL (and the line, or the
     * items received before). Failures before the first item are retried as
     * {@link HttpOptions#retries} says; after it, never (items would repeat). <b>On cancel</b>
     * the connection is closed. <b>Thread</b>: decoding runs on the Netty event loop that read
     * the chunk.
     *
     * @param name the source's name
     * @param request the request (any method; {@code Accept: application/x-ndjson} unless it sets one)
     * @param type what to decode each line into
     * @param options the client, timeouts, retries, line limit
     * @param <T> the item type
     * @return the source
     * @see #events(String, HttpRequest, HttpOptions)
     * @see HttpStages#ndjson
     */
    public static <T> Source<T> ndjson(String name, HttpRequest request, Class<T> type, HttpOptions options) {
        Require.nonBlank(name, "name");
        Require.nonNull(request, "request");
        Require.nonNull(type, "type");
        Require.nonNull(options, "options");
        HttpCall call = new HttpCall(name, options);
        StreamFraming.Factory<T> framing = StreamFraming.ndjson(type, options.mapper().readerFor(type), options.maxLineSize());
        return Source.create(name, ctx -> HttpStream.open(call, request, framing));
    }

    /**
     * A source that makes one request and emits the {@linkplain ServerSentEvent server-sent
     * events} of its {@code text/event-stream} response, parsed as a browser's
     * {@code EventSource} would ({@code data:} lines joined, {@code event:}, {@code id:},
     * {@code retry:}; comments skipped; an event without data, or unfinished at the end of the
     * body, is not emitted). It does not reconnect by itself: a run reads one response. Cold: the
     * request is made on subscribe, again for each run.
     *
     * <pre>{@code
     * Source<ServerSentEvent> events = HttpSources.events("completions",
     *         HttpRequest.get(api.resolve("/events")), HttpOptions.defaults());
     * }</pre>
     *
     * <p>Backpressure, errors and threads as for {@link #ndjson}, with
     * {@link HttpOptions#maxLineSize(int)} bounding each event (all its lines together).
     *
     * @param name the source's name
     * @param request the request ({@code Accept: text/event-stream} unless it sets one)
     * @param options the client, timeouts, retries, event size limit
     * @return the source
     * @see HttpStages#events
     */
    public static Source<ServerSentEvent> events(String name, HttpRequest request, HttpOptions options) {
        Require.nonBlank(name, "name");
        Require.nonNull(request, "request");
        Require.nonNull(options, "options");
        HttpCall call = new HttpCall(name, options);
        StreamFraming.Factory<ServerSentEvent> framing = StreamFraming.events(options.maxLineSize());
        return Source.create(name, ctx -> HttpStream.open(call, request, framing));
    }
}
