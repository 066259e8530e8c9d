package dev.pipeline.connectors.http;

import java.net.URI;
import java.util.function.Function;

import dev.pipeline.connectors.http.internal.HttpCall;
import dev.pipeline.connectors.http.internal.HttpRetry;
import dev.pipeline.connectors.http.internal.HttpStream;
import dev.pipeline.connectors.http.internal.StreamFraming;
import dev.pipeline.core.Stage;
import dev.pipeline.connectors.internal.Require;
import reactor.core.publisher.Mono;

/**
 * Pipeline stages that make one HTTP call per item on Reactor Netty: asyncio's
 * {@code async with session.get(url)} under a {@code Semaphore(n)}, with retries that respect
 * the server. The result is a plain core {@link Stage}: its concurrency, timeout and retry are
 * set from the {@link HttpOptions}, and you add its error policy with {@code onError}.
 *
 * <pre>{@code
 * Stage<Integer, Page> pages = HttpStages.get("pages", (Integer n) -> api.resolve("/records?page=" + n), Page.class,
 *                 HttpOptions.defaults().concurrency(8))
 *         .onError(ErrorPolicy.deadLetter(failures));
 * }</pre>
 *
 * <p>Every request: a pooled connection (the pool holds {@link HttpOptions#concurrency(int)
 * concurrency} connections), a connect timeout, and a per-attempt
 * {@link HttpOptions#responseTimeout(java.time.Duration) response timeout}. A non-2xx answer
 * fails the attempt with an {@link HttpStatusException}; connection errors, timeouts, 429 and
 * 5xx are retried with backoff and jitter (at least {@code Retry-After}), other failures are
 * not. After the last attempt the item goes to the stage's error policy; the report counts the
 * retries.
 *
 * <p><b>Emits when</b> the response body has arrived and decoded, in input order.
 * <b>Errors when</b> an item fails and the policy is fail-fast. <b>On cancel</b> the requests in
 * flight are cancelled and their connections closed. <b>Thread</b>: decoding runs on the Netty
 * event loop that received the body.
 *
 * @see HttpSinks
 * @see HttpSources
 */
public final class HttpStages {

    private HttpStages() {
    }

    /**
     * A stage that GETs the URL built from each item and emits the body as a UTF-8 string,
     * with the {@linkplain HttpOptions#defaults() default options}.
     *
     * @param name the stage's name
     * @param uri builds the absolute URL for an item
     * @param <I> the item type
     * @return the stage
     */
    public static <I> Stage<I, String> get(String name, Function<? super I, URI> uri) {
        return get(name, uri, String.class, HttpOptions.defaults());
    }

    /**
     * A stage that GETs the URL built from each item and decodes the body into {@code type}:
     * JSON with Jackson (the response must not declare a non-JSON {@code Content-Type}), or
     * the raw body for {@code String.class} and {@code byte[].class}. Default options.
     *
     * <pre>{@code
     * Stage<Long, Item> items = HttpStages.get("items", (Long id) -> base.resolve("/items/" + id), Item.class);
     * }</pre>
     *
     * @param name the stage's name
     * @param uri builds the absolute URL for an item
     * @param type what to decode the body into
     * @param <I> the item type
     * @param <O> the decoded type
     * @return the stage
     */
    public static <I, O> Stage<I, O> get(String name, Function<? super I, URI> uri, Class<O> type) {
        return get(name, uri, type, HttpOptions.defaults());
    }

    /**
     * A GET stage with the given options; see {@link #get(String, Function, Class)}.
     *
     * @param name the stage's name
     * @param uri builds the absolute URL for an item
     * @param type what to decode the body into
     * @param options concurrency, timeouts, retries, limits
     * @param <I> the item type
     * @param <O> the decoded type
     * @return the stage
     */
    public static <I, O> Stage<I, O> get(String name, Function<? super I, URI> uri, Class<O> type, HttpOptions options) {
        Require.nonNull(uri, "uri");
        Require.nonNull(type, "type");
        Require.nonNull(options, "options");
        HttpCall call = new HttpCall(Require.nonBlank(name, "name"), options);
        HttpCall.Decoder<O> decoder = HttpCall.decoder(type, options.mapper());
        // the stage subscribes to this function's Mono inside Mono.defer, once per attempt: an
        // exception thrown by uri fails that attempt like any other error
        return configure(Stage.mapAsync(name, (I item) -> call.get(Require.nonNull(uri.apply(item),
                "the URL built for the item"), decoder)), options);
    }

    /**
     * A stage that makes the request built from each item (any method, headers and body) and
     * emits the body as a UTF-8 string, with default options.
     *
     * @param name the stage's name
     * @param request builds the request for an item
     * @param <I> the item type
     * @return the stage
     */
    public static <I> Stage<I, String> request(String name, Function<? super I, HttpRequest> request) {
        return request(name, request, String.class, HttpOptions.defaults());
    }

    /**
     * A stage that makes the request built from each item and decodes the body into
     * {@code type}, as {@link #get(String, Function, Class)} does. The same retry rule
     * applies whatever the method: use {@code retries(0, ...)} for requests that must not
     * repeat.
     *
     * <pre>{@code
     * Stage<Order, Receipt> submit = HttpStages.request("submit",
     *         (Order o) -> HttpRequest.postJson(api.resolve("/orders"), o), Receipt.class, HttpOptions.defaults());
     * }</pre>
     *
     * @param name the stage's name
     * @param request builds the request for an item
     * @param type what to decode the body into
     * @param options concurrency, timeouts, retries, limits
     * @param <I> the item type
     * @param <O> the decoded type
     * @return the stage
     */
    public static <I, O> Stage<I, O> request(String name, Function<? super I, HttpRequest> request, Class<O> type,
            HttpOptions options) {
        Require.nonNull(request, "request");
        Require.nonNull(type, "type");
        Require.nonNull(options, "options");
        HttpCall call = new HttpCall(Require.nonBlank(name, "name"), options);
        HttpCall.Decoder<O> decoder = HttpCall.decoder(type, options.mapper());
        return configure(Stage.mapAsync(name, (I item) -> Mono.defer(() -> {
            HttpRequest r = request.apply(item);
            Require.nonNull(r, "the request built for the item");
            return call.exchange(r, decoder);
        })), options);
    }

    /**
     * A stage that makes the request built from each item and emits the items of its streamed
     * NDJSON response body, one per line, decoded into {@code type}: one request, many items,
     * like a streaming inference API answering a prompt token by token. Up to
     * {@link HttpOptions#concurrency(int) concurrency} requests stream at once; the results of
     * each item come out together, in input order.
     *
     * <pre>{@code
     * Stage<Prompt, Token> generate = HttpStages.ndjson("generate",
     *         (Prompt p) -> HttpRequest.postJson(api.resolve("/generate"), p), Token.class, HttpOptions.defaults());
     * }</pre>
     *
     * <p>It is a core {@link Stage#flatMap flatMap} stage: each response is read as its items
     * are taken (see {@link HttpSources#ndjson} for backpressure, limits and errors); a failed
     * stream sends its item to the stage's error policy, after the items it already emitted.
     * Failures before a stream's first item are retried as {@link HttpOptions#retries} says.
     *
     * @param name the stage's name
     * @param request builds the request for an item
     * @param type what to decode each line into ({@code String.class} for the raw lines)
     * @param options concurrency, timeouts, retries, line limit
     * @param <I> the item type
     * @param <O> the decoded type
     * @return the stage
     * @see #events(String, Function, HttpOptions)
     */
    public static <I, O> Stage<I, O> ndjson(String name, Function<? super I, HttpRequest> request, Class<O> type,
            HttpOptions options) {
        Require.nonNull(request, "request");
        Require.nonNull(type, "type");
        Require.nonNull(options, "options");
        HttpCall call = new HttpCall(Require.nonBlank(name, "name"), options);
        StreamFraming.Factory<O> framing = StreamFraming.ndjson(type, options.mapper().readerFor(type), options.maxLineSize());
        return Stage.flatMap(name, (I item) -> HttpStream.open(call,
                Require.nonNull(request.apply(item), "the request built for the item"), framing))
                .concurrency(options.concurrency());
    }

    /**
     * A stage that makes the request built from each item and emits the
     * {@linkplain ServerSentEvent server-sent events} of its {@code text/event-stream} response,
     * as {@link #ndjson} does for NDJSON (see {@link HttpSources#events} for the parsing).
     *
     * <pre>{@code
     * Stage<String, ServerSentEvent> answers = HttpStages.events("answers",
     *         (String q) -> HttpRequest.postJson(api.resolve("/chat"), Map.of("prompt", q)), HttpOptions.defaults());
     * }</pre>
     *
     * @param name the stage's name
     * @param request builds the request for an item
     * @param options concurrency, timeouts, retries, event size limit
     * @param <I> the item type
     * @return the stage
     */
    public static <I> Stage<I, ServerSentEvent> events(String name, Function<? super I, HttpRequest> request,
            HttpOptions options) {
        Require.nonNull(request, "request");
        Require.nonNull(options, "options");
        HttpCall call = new HttpCall(Require.nonBlank(name, "name"), options);
        StreamFraming.Factory<ServerSentEvent> framing = StreamFraming.events(options.maxLineSize());
        return Stage.flatMap(name, (I item) -> HttpStream.open(call,
                Require.nonNull(request.apply(item), "the request built for the item"), framing))
                .concurrency(options.concurrency());
    }

    private static <I, O> Stage<I, O> configure(Stage<I, O> stage, HttpOptions options) {
        Stage<I, O> s = stage.concurrency(options.concurrency()).timeout(options.responseTimeout());
        return options.maxRetries() > 0 ? s.retry(HttpRetry.of(options)) : s;
    }
}
