package dev.pipeline.connectors.http.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipeline.connectors.http.HttpItemRejectedException;
import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpPostOptions;
import dev.pipeline.connectors.http.HttpSinks;
import dev.pipeline.core.StageContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The HTTP sink's work: items in batches, one POST per batch, and the server's word on what it
 * took. An answer, 2xx or not, whose body says {@code {"accepted":n,"rejected":m}} (as every
 * answer of {@code HttpSources.server} does, see {@link Taken}) settles the first {@code n}
 * items of the request as stored and the next {@code m} as refused by the server (to the error
 * policy, with an {@link HttpItemRejectedException}); a retry sends only the rest, so no item
 * reaches such a server twice. An error answer without counts (or with counts that do not fit
 * the request) took nothing, and the rest is sent again whole; a 2xx without counts took
 * everything; a 2xx whose counts leave items out ends the request too, and those items go to
 * the policy, never sent again.
 *
 * <p>Retries follow {@link HttpRetry}, counted in attempts in a row in which the server took
 * nothing: an attempt that took items uses no retry, so a batch that a busy server takes bit by
 * bit through 503s is delivered whole, in at most {@code (size + 1) * (retries + 1)} attempts.
 * Every attempt goes through the sink's circuit breaker ({@link StageContext#guard}); an
 * attempt it refuses is not retried. When a batch gives up, only its items not yet taken go to
 * the policy, with the last error. Every item is counted once: completed, or rejected (by the
 * server, by the encoder, or when its batch gave up).
 */
public final class BatchPost<T> {

    private final HttpCall call;
    private final URI uri;
    private final HttpOptions options;
    private final HttpPostOptions shape;
    private final ObjectMapper mapper;
    private final JsonFactory json;
    private final String contentType;

    public BatchPost(String name, URI uri, HttpOptions options, HttpPostOptions post) {
        this.call = new HttpCall(name, options);
        this.uri = uri;
        this.options = options;
        this.shape = post;
        this.mapper = options.mapper();
        this.json = mapper.getFactory();
        this.contentType = shape.format() == HttpSinks.Format.NDJSON ? "application/x-ndjson" : "application/json";
    }

    /** Posts every item; the result is how many the server accepted. */
    public Mono<Long> run(Flux<T> items, StageContext ctx) {
        AtomicLong accepted = new AtomicLong();
        return items.bufferTimeout(shape.batchSize(), shape.maxWait(), Schedulers.parallel(), true)
                .flatMap(batch -> post(batch, ctx, accepted), options.concurrency(), 1)
                .then(Mono.fromCallable(accepted::get));
    }

    /**
     * One batch on its way: its encoded items, and how far the server has taken them. Used by
     * one attempt at a time (each starts after the previous one ended), so it needs no lock.
     */
    private final class Batch {
        final StageContext ctx;
        final AtomicLong accepted;
        final List<T> items = new ArrayList<>();
        final List<byte[]> encoded = new ArrayList<>();
        /** The first item the server has not taken. */
        int next;
        int attempts;
        /** Attempts in a row, the last one included, in which the server took nothing. */
        int fruitless;

        Batch(StageContext ctx, AtomicLong accepted) {
            this.ctx = ctx;
            this.accepted = accepted;
        }

        int left() {
            return items.size() - next;
        }

        /** The request body for the items not yet taken: a JSON array or NDJSON. */
        byte[] body() {
            boolean array = shape.format() == HttpSinks.Format.JSON_ARRAY;
            int size = array ? 1 : 0;
            for (int i = next; i < items.size(); i++) {
                size += encoded.get(i).length + 1; // the item and what follows it: ',' or ']', or '\n'
            }
            byte[] body = new byte[size];
            int at = 0;
            if (array) {
                body[at++] = '[';
            }
            for (int i = next; i < items.size(); i++) {
                byte[] item = encoded.get(i);
                System.arraycopy(item, 0, body, at, item.length);
                at += item.length;
                body[at++] = (byte) (!array ? '\n' : i + 1 < items.size() ? ',' : ']');
            }
            return body;
        }

        /**
         * The server took the next {@code stored + refused} items of the request: counts the
         * stored ones, and hands the refused ones to the policy.
         */
        Mono<Void> took(int stored, int refused, int status, Taken taken, Throwable cause) {
            int sent = left();
            int first = next;
            next += stored + refused;
            // named, not counted: requests finish out of order (concurrency), and an acknowledged
            // source's items settle exactly when the server took them
            ctx.completed(items.subList(first, first + stored));
            accepted.addAndGet(stored);
            int tries = attempts;
            return Flux.range(stored + 1, refused)
                    .concatMap(position -> ctx.reject(items.get(first + position - 1),
                            rejected(status, taken, position, sent, cause), tries))
                    .then();
        }

        /** The batch gives up: every item not yet taken goes to the policy with {@code e}. */
        Mono<Void> giveUp(Throwable e) {
            List<T> rest = items.subList(next, items.size());
            next = items.size();
            int tries = attempts;
            return Flux.fromIterable(rest).concatMap(item -> ctx.reject(item, e, tries)).then();
        }
    }

    /** Why the server did not take the item at {@code position} (from 1) of a request of {@code sent} items. */
    private HttpItemRejectedException rejected(int status, Taken taken, int position, int sent, Throwable cause) {
        boolean counted = position <= taken.accepted() + taken.rejected();
        return new HttpItemRejectedException("POST", uri, status, position, "answered " + status + " with accepted "
                + taken.accepted() + ", rejected " + taken.rejected() + ": the server "
                + (counted ? "rejected" : "did not take") + " item " + position + " of the " + sent + " in the request"
                + (counted ? "" : ", and a 2xx answer ends the request (the sink does not send it again)"), cause);
    }

    private Mono<Void> post(List<T> batch, StageContext ctx, AtomicLong accepted) {
        return Mono.defer(() -> {
            Batch b = new Batch(ctx, accepted);
            // each item encoded once: a retry sends the rest without encoding again, and an item
            // that cannot be encoded is rejected alone
            List<Mono<Void>> bad = new ArrayList<>();
            for (T item : batch) {
                try {
                    b.encoded.add(mapper.writeValueAsBytes(item));
                    b.items.add(item);
                } catch (java.io.IOException | RuntimeException e) {
                    bad.add(ctx.reject(item, e, 1));
                }
            }
            return Flux.concat(bad).then(Mono.defer(() -> b.left() == 0 ? Mono.empty() : attempt(b)));
        });
    }

    /** Heard on the thread that received the answer; read once the attempt has signalled. */
    private final class Heard implements HttpCall.Answered {
        final int sent;
        volatile int status;
        volatile Taken taken;

        Heard(int sent) {
            this.sent = sent;
        }

        @Override
        public void answered(int status, byte[] body) {
            this.status = status;
            this.taken = Taken.read(json, body, sent);
        }
    }

    private Mono<Void> attempt(Batch b) {
        return Mono.defer(() -> {
            b.attempts++;
            Heard heard = new Heard(b.left());
            // each attempt through the sink's circuit breaker, if it has one: it sees every error
            // answer as a failure; an attempt it refuses (CircuitOpenException) is not retried
            return b.ctx.guard(call.send("POST", uri, contentType, b.body(), heard)
                            .timeout(options.responseTimeout(), Schedulers.parallel()))
                    .then(Mono.just(Optional.<Throwable>empty()))
                    .onErrorResume(e -> Mono.just(Optional.of(e)))
                    .flatMap(failure -> answered(b, heard, failure.orElse(null)));
        });
    }

    private Mono<Void> answered(Batch b, Heard heard, Throwable e) {
        Taken t = heard.taken;
        if (e == null) { // a 2xx: the request is over, whatever its counts say
            return t == null ? b.took(heard.sent, 0, heard.status, null, null)
                    : b.took(t.accepted(), heard.sent - t.accepted(), heard.status, t, null);
        }
        boolean progress = t != null && t.accepted() + t.rejected() > 0;
        Mono<Void> took = t == null ? Mono.empty() : b.took(t.accepted(), t.rejected(), heard.status, t, e);
        return took.then(Mono.defer(() -> {
            if (b.left() == 0) {
                return Mono.empty();
            }
            b.fruitless = progress ? 0 : b.fruitless + 1;
            Duration wait = HttpRetry.delay(options, e, Math.max(0, b.fruitless - 1));
            return wait == null ? b.giveUp(e) : Mono.delay(wait, Schedulers.parallel()).then(attempt(b));
        }));
    }
}
