package dev.pipeline.connectors.http;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.http.internal.HttpCall;
import dev.pipeline.connectors.http.internal.HttpRetry;
import dev.pipeline.core.Sink;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sinks that POST items to an HTTP endpoint in batches, as a JSON array or NDJSON per request,
 * with the same retry rule as {@link HttpStages}. The sink's result is the number of items the
 * server accepted (answered 2xx).
 *
 * <pre>{@code
 * Sink<Order, Long> upload = HttpSinks.post("upload", URI.create("http://127.0.0.1:8080/orders"),
 *         HttpOptions.defaults().withBatch(500, Duration.ofSeconds(1)).withFormat(HttpSinks.Format.NDJSON))
 *     .onError(ErrorPolicy.deadLetter(failed));
 * }</pre>
 *
 * <p>A batch that still fails after its retries rejects each of its items through the sink's
 * error policy (fail-fast: the run fails; skip or dead-letter: the items are counted so and the
 * run goes on). <b>Thread</b>: items are encoded on the thread that delivers the batch.
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
        return post(name, uri, HttpOptions.defaults());
    }

    /**
     * A sink that POSTs items in batches with the given options: {@link HttpOptions#withBatch}
     * and {@link HttpOptions#withFormat} shape the requests, {@link HttpOptions#withConcurrency}
     * bounds the requests in flight, and the retry options apply to each request.
     *
     * @param name the sink's name
     * @param uri the endpoint
     * @param options batching, format, concurrency, timeouts, retries
     * @param <T> the item type (encoded with Jackson)
     * @return the sink; its result is the number of items accepted
     */
    public static <T> Sink<T, Long> post(String name, URI uri, HttpOptions options) {
        Require.nonNull(uri, "uri");
        Require.nonNull(options, "options");
        HttpCall call = new HttpCall(Require.nonBlank(name, "name"), options);
        ObjectMapper mapper = options.objectMapper();
        String contentType = options.format() == Format.NDJSON ? "application/x-ndjson" : "application/json";
        return Sink.create(name, (Flux<T> items, dev.pipeline.core.StageContext ctx) -> {
            AtomicLong accepted = new AtomicLong();
            return items.bufferTimeout(options.batchSize(), options.batchWait(), Schedulers.parallel(), true)
                    .flatMap(batch -> {
                        int[] attempts = {0};
                        return Mono.fromCallable(() -> encode(batch, mapper, options.format()))
                                .flatMap(body -> Mono.defer(() -> {
                                    attempts[0]++;
                                    // each attempt through the sink's circuit breaker, if it has one: a
                                    // refused attempt (CircuitOpenException) is not retried
                                    return ctx.guard(call.send("POST", uri, contentType, body)
                                            .timeout(options.responseTimeout(), Schedulers.parallel()));
                                }).retryWhen(HttpRetry.of(options)))
                                .then(Mono.fromRunnable(() -> {
                                    accepted.addAndGet(batch.size());
                                    ctx.completed(batch.size());
                                }))
                                .onErrorResume(e -> Flux.fromIterable(batch)
                                        .concatMap(item -> ctx.reject(item, e, Math.max(1, attempts[0])))
                                        .then());
                    }, options.concurrency(), 1)
                    .then(Mono.fromCallable(accepted::get));
        });
    }

    private static byte[] encode(List<?> batch, ObjectMapper mapper, Format format) throws java.io.IOException {
        if (format == Format.JSON_ARRAY) {
            return mapper.writeValueAsBytes(batch);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(batch.size() * 64);
        for (Object item : batch) {
            out.write(mapper.writeValueAsBytes(item));
            out.write('\n');
        }
        return out.toByteArray();
    }
}
