package dev.pipeline.connectors.http.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pipeline.connectors.http.HttpIngestOptions;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.StageContext;
import dev.pipeline.core.StageReport;
import dev.pipeline.core.aio.AsyncQueue;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One run of an ingest server: a Reactor Netty server whose POST handler decodes the body as it
 * arrives and puts each item into a bounded {@link AsyncQueue}; the pipeline's source takes from
 * that queue. A request reads its body only as fast as the queue takes items, so a slow pipeline
 * slows the client down (TCP backpressure) instead of filling memory.
 *
 * <p>Every answer to a POST says how many of its items were taken ({@link Taken}), and the
 * count is exact: an item is counted as accepted if and only if it is in the queue. Each item
 * goes in with {@link AsyncQueue#offer(Object, java.time.Duration, reactor.core.scheduler.Scheduler)},
 * whose answer cannot disagree with the queue, and nothing cancels an offer in flight except
 * the request itself going away.
 */
public final class IngestServer<T> {

    /** A request failed with a status to answer. */
    private static final class Reply extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Reply(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final String name;
    private final Class<T> type;
    private final HttpIngestOptions options;
    private final StageContext ctx;
    private final ObjectMapper mapper;
    private final com.fasterxml.jackson.databind.ObjectReader reader;
    private final AsyncQueue<T> queue;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Sinks.Empty<Void> idle = Sinks.empty();
    private final byte[] expectedAuth;
    private volatile boolean closing;
    private volatile Disposable stopSubscription;
    private volatile Disposable drainDeadline;

    private IngestServer(Class<T> type, HttpIngestOptions options, StageContext ctx) {
        this.name = ctx.name(); // the source's name in this run, renamed or not
        this.type = type;
        this.options = options;
        this.ctx = ctx;
        this.mapper = options.mapper();
        this.reader = mapper.readerFor(type); // resolves the deserializers once, off the event loops
        this.queue = AsyncQueue.bounded(options.queueCapacity());
        this.expectedAuth = options.bearerToken().map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /** The source's items for one run: binds on subscribe, stops on complete, error or cancel. */
    public static <T> Flux<T> flux(Class<T> type, HttpIngestOptions options, StageContext ctx) {
        return Flux.defer(() -> {
            IngestServer<T> s = new IngestServer<>(type, options, ctx);
            return Flux.usingWhen(s.bind(), server -> s.queue.asFlux(), s::stop, (server, e) -> s.stop(server), s::stop);
        });
    }

    private Mono<DisposableServer> bind() {
        return HttpServer.create()
                .host(options.host())
                .port(options.port())
                .route(r -> r.post(options.path(), this::ingest)
                        .get("/health", (req, res) -> json(res, 200, mapper.createObjectNode()
                                .put("status", closing ? "STOPPING" : "UP")))
                        .get("/metrics", this::metrics))
                .bind()
                .<DisposableServer>map(server -> server)
                .doOnNext(server -> {
                    options.onBound().ifPresent(cb -> cb.accept((java.net.InetSocketAddress) server.address()));
                    options.stopSignal().ifPresent(signal -> stopSubscription = Mono.from(signal)
                            .subscribe(v -> beginStop(), e -> beginStop(), this::beginStop));
                });
    }

    /** The graceful stop: refuse new requests, let those in flight finish, then end the queue. */
    private void beginStop() {
        if (closing) {
            return;
        }
        closing = true;
        drainDeadline = Mono.delay(options.drainTimeout(), Schedulers.parallel())
                .subscribe(v -> queue.shutdown(false), e -> queue.shutdown(false));
        leave(0);
    }

    private void leave(int delta) {
        if (inFlight.addAndGet(delta) == 0 && closing) {
            queue.shutdown(false); // the items already put still reach the pipeline
            Sinks.EmitResult r = idle.tryEmitEmpty();
            // FAIL_TERMINATED: already idle (a second call); FAIL_NON_SERIALIZED: another thread is
            // emitting the same signal at this moment. Both leave the sink idle, as wanted.
            if (r.isFailure() && r != Sinks.EmitResult.FAIL_TERMINATED && r != Sinks.EmitResult.FAIL_NON_SERIALIZED) {
                throw new IllegalStateException("ingest server '" + name + "' could not signal idle: " + r);
            }
        }
    }

    private Mono<Void> stop(DisposableServer server) {
        closing = true;
        for (Disposable d : new Disposable[] {stopSubscription, drainDeadline}) {
            if (d != null) {
                d.dispose();
            }
        }
        queue.shutdown(true); // requests waiting for room are answered 503 at once
        leave(0);
        return idle.asMono()
                .timeout(options.drainTimeout(), Schedulers.parallel())
                .onErrorResume(TimeoutException.class, e -> Mono.empty())
                .then(Mono.defer(() -> {
                    server.dispose();
                    return server.onDispose();
                }));
    }

    // ------------------------------------------------------------------ handlers

    private boolean authorized(HttpServerRequest req) {
        if (expectedAuth == null) {
            return true;
        }
        String header = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expectedAuth); // constant time for equal lengths
    }

    /**
     * What one request has handed over so far: items in the queue, and malformed items handed
     * to the error policy. Items are taken one at a time, in body order, so these are always
     * the first {@code accepted + rejected} items of the body. Updated by one item at a time
     * (concatMap), read once the request ends.
     */
    private static final class Taken {
        long accepted;
        long rejected;
    }

    private Publisher<Void> ingest(HttpServerRequest req, HttpServerResponse res) {
        requests.incrementAndGet();
        inFlight.incrementAndGet();
        Taken taken = new Taken();
        return Mono.defer(() -> read(req, res, taken))
                .onErrorMap(e -> !(e instanceof Reply), this::reply)
                .then(Mono.defer(() -> json(res, 200, counts(taken))))
                .onErrorResume(Reply.class, r -> {
                    refused.incrementAndGet();
                    if (r.status == 503) {
                        res.header(HttpHeaderNames.RETRY_AFTER, String.valueOf(options.retryAfter().toSeconds()));
                    }
                    return json(res, r.status, counts(taken).put("error", r.getMessage() + withCount(taken)));
                })
                .doFinally(s -> leave(-1));
    }

    /** Checks the request, then takes its items one at a time; fails with the answer to give. */
    private Mono<Void> read(HttpServerRequest req, HttpServerResponse res, Taken taken) {
        if (closing) {
            throw new Reply(503, "the server is stopping; retry against another instance or later");
        }
        if (!authorized(req)) {
            res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            throw new Reply(401, "missing or wrong bearer token (send Authorization: Bearer <token>)");
        }
        String ct = req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        String lower = ct == null ? "" : ct.toLowerCase(Locale.ROOT);
        Framer<T> framer;
        if (lower.contains("ndjson") || lower.contains("jsonl") || lower.startsWith("text/plain")) {
            framer = Framer.ndjson(reader, options.maxLineSize());
        } else if (lower.startsWith("application/json")) {
            framer = Framer.jsonArray(mapper, reader, options.maxLineSize());
        } else {
            throw new Reply(415, "Content-Type '" + ct + "' is not supported; send application/x-ndjson "
                    + "(one JSON item per line) or application/json (a JSON array)");
        }
        long declared = req.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
        if (declared > options.maxBodySize()) {
            throw new Reply(413, "the body of " + declared + " bytes exceeds the limit of "
                    + options.maxBodySize() + " bytes; split it into smaller requests");
        }
        long[] bytes = {0};
        return req.receive().asByteArray()
                .doOnNext(chunk -> {
                    bytes[0] += chunk.length;
                    if (bytes[0] > options.maxBodySize()) {
                        throw new Reply(413, "the body exceeds the limit of " + options.maxBodySize()
                                + " bytes; split it into smaller requests");
                    }
                })
                .concatMapIterable(framer::feed, 1)
                .concatWith(Flux.defer(() -> Flux.fromIterable(framer.finish())))
                // a read error (a limit, a broken body, a lost connection) becomes the last frame, so
                // it waits for the item being put instead of cancelling it: a put cancelled at the
                // moment it is admitted would leave an item in the queue that the answer leaves out
                .onErrorResume(e -> Mono.just(Framer.Frame.failed(e)))
                .concatMap(frame -> accept(frame, taken), 1)
                .then();
    }

    /** The counts every answer to a POST carries. */
    private ObjectNode counts(Taken taken) {
        return mapper.createObjectNode().put("accepted", taken.accepted).put("rejected", taken.rejected);
    }

    private static String withCount(Taken taken) {
        return " (" + taken.accepted + " items of this request were accepted before it"
                + (taken.rejected == 0 ? "" : ", and " + taken.rejected + " malformed ones handed to the error policy")
                + "; send the rest again, from item " + (taken.accepted + taken.rejected + 1) + ")";
    }

    private Reply reply(Throwable e) {
        if (e instanceof Framer.FramingException) {
            return new Reply(((Framer.FramingException) e).status, e.getMessage());
        }
        if (e instanceof dev.pipeline.core.aio.QueueShutDownException) {
            return new Reply(503, "the server is stopping; retry later");
        }
        return new Reply(500, "ingest failed: " + e);
    }

    private Mono<Void> accept(Framer.Frame<T> frame, Taken taken) {
        if (frame.failure != null) {
            return Mono.error(frame.failure);
        }
        if (frame.error != null) {
            String where = "line " + frame.number + ": " + (frame.error instanceof com.fasterxml.jackson.core.JsonProcessingException
                    ? ((com.fasterxml.jackson.core.JsonProcessingException) frame.error).getOriginalMessage()
                    : frame.error.getMessage());
            if (options.onMalformed() == HttpIngestOptions.Malformed.ERROR_POLICY) {
                return ctx.reject(frame.raw, new IllegalArgumentException(name + ": " + where, frame.error), 1)
                        .doOnSuccess(v -> taken.rejected++)
                        .onErrorMap(e -> new Reply(400, where + " (rejected by the error policy of source '" + name + "')"));
            }
            return Mono.error(new Reply(400, where));
        }
        // offer, not put(..).timeout(..): its answer is exact, so the count is exactly what is queued
        return queue.offer(frame.value, options.queueTimeout(), Schedulers.parallel())
                .flatMap(admitted -> {
                    if (!admitted) {
                        return Mono.error(new Reply(503, "the pipeline is not keeping up: its queue of "
                                + options.queueCapacity() + " items stayed full for " + options.queueTimeout() + "; retry later"));
                    }
                    taken.accepted++;
                    accepted.incrementAndGet();
                    return Mono.empty();
                });
    }

    private Publisher<Void> metrics(HttpServerRequest req, HttpServerResponse res) {
        if (!authorized(req)) {
            res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return json(res, 401, mapper.createObjectNode().put("error", "missing or wrong bearer token"));
        }
        ObjectNode root = mapper.createObjectNode();
        root.putObject("server")
                .put("source", name)
                .put("requests", requests.get())
                .put("refused", refused.get())
                .put("accepted", accepted.get())
                .put("inFlight", inFlight.get())
                .put("queueSize", queue.size())
                .put("queueCapacity", queue.capacity())
                .put("maxQueueSize", queue.maxSize())
                .put("stopping", closing);
        PipelineReport<?> report = options.metrics().map(s -> s.get()).orElse(null);
        if (report != null) {
            ObjectNode r = root.putObject("report")
                    .put("pipeline", report.pipeline())
                    .put("status", report.status().name())
                    .put("durationMillis", report.duration().toMillis())
                    .put("cutOff", report.cutOff())
                    .put("balances", report.balances())
                    .put("reconciles", report.reconciles());
            ArrayNode stages = r.putArray("stages");
            for (StageReport s : report.stages()) {
                ObjectNode stage = stages.addObject().put("name", s.name()).put("kind", s.kind()).put("branch", s.branch())
                        .put("received", s.received()).put("emitted", s.emitted()).put("outputs", s.outputs())
                        .put("filtered", s.filtered()).put("skipped", s.skipped())
                        .put("deadLettered", s.deadLettered()).put("failed", s.failed()).put("retried", s.retried())
                        .put("inFlight", s.inFlight()).put("maxQueueDepth", s.maxQueueDepth());
                ArrayNode from = stage.putArray("from");
                s.upstreams().forEach(in -> from.addObject().put("node", in.node()).put("branch", in.branch()));
                if (!s.outlets().isEmpty()) {
                    ObjectNode outlets = stage.putObject("outlets");
                    s.outlets().forEach(outlets::put);
                }
            }
        }
        return json(res, 200, root);
    }

    private Mono<Void> json(HttpServerResponse res, int status, ObjectNode body) {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return res.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length))
                .sendByteArray(Mono.just(bytes)).then();
    }
}
