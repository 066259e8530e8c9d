package dev.pipeline.core;

import java.util.Collection;

import reactor.core.publisher.Mono;

/**
 * What a source or sink built with a context sees of its place in a run: its name, its error
 * policy and its accounting. Connectors use it to reject one bad record (a malformed line, a
 * row the database refused) and let the rest flow on.
 *
 * @see Source#create(String, java.util.function.Function)
 * @see Sink#create(String, java.util.function.BiFunction)
 */
public interface StageContext {

    /**
     * The name of the source or sink.
     *
     * @return the name
     */
    String name();

    /**
     * Applies the error policy to one failed item: completes empty when the item was skipped
     * or dead-lettered (drop it and go on), fails with a {@link PipelineException} naming this
     * stage and the item under fail-fast (propagate it). Counts the item either way.
     *
     * @param item the item, as received (a raw line, a row)
     * @param error why it failed
     * @param attempts attempts made, at least 1
     * @return a Mono to compose into the stream
     */
    Mono<Void> reject(Object item, Throwable error, int attempts);

    /**
     * Counts items this sink finished successfully, for sinks that consume in batches. Sinks
     * made with {@link Sink#create} must call it; others are counted by the framework.
     *
     * <p>When the items come from an {@link Source#acknowledged acknowledged source}, this
     * also settles the {@code items} oldest items the sink received and has neither completed
     * nor rejected, as {@link Settlement#STORED}: right for a sink that finishes its items in
     * the order it received them (one batch after another). A sink that finishes them out of
     * order (batches in parallel) calls {@link #completed(Collection)} with the items instead.
     *
     * @param items how many items were finished, {@code >= 0}
     */
    void completed(long items);

    /**
     * Counts these items as finished successfully and, when they come from an
     * {@link Source#acknowledged acknowledged source}, settles exactly them as
     * {@link Settlement#STORED} (each is found by identity among the items the sink received
     * and has not finished): for sinks that finish items out of order. The default counts
     * {@code items.size()}.
     *
     * @param items the items finished, as the sink received them
     */
    default void completed(Collection<?> items) {
        completed(items.size());
    }

    /**
     * Completes when the run this source or sink belongs to has ended, however it ended
     * (completed, stopped, failed or cancelled): a hook for a source's last commit, after
     * which nothing settles any more. Hot; never errors. For {@link Source#flux()}, the run is
     * that Flux's subscription: it completes when the items end, fail or are cancelled. The
     * default (a context of the caller's own) never completes.
     *
     * @return a Mono that completes when the run has ended
     */
    default Mono<Void> whenRunEnds() {
        return Mono.never();
    }

    /**
     * One call this source or sink makes (a batch insert, a request, a write), as the
     * framework runs a stage's calls: its time, from subscription to its first signal, counts
     * as the node's {@link StageReport#busy() busy} time, and when the node has a
     * {@link Sink#circuitBreaker circuit breaker} the call goes through it, refused at once
     * with a {@link CircuitOpenException} while the breaker is open. Wrap each attempt (inside
     * a retry), so that the breaker sees every one. Cold: nothing happens until subscribed.
     * The default (outside a run) returns {@code call} as it is.
     *
     * <pre>{@code
     * Sink<Row, Long> store = Sink.create("store", (rows, ctx) -> rows.buffer(500)
     *         .concatMap(batch -> ctx.guard(db.insert(batch))
     *                 .doOnSuccess(n -> ctx.completed(batch.size()))
     *                 .onErrorResume(e -> Flux.fromIterable(batch).concatMap(r -> ctx.reject(r, e, 1)).then(Mono.empty())))
     *         .count());
     * }</pre>
     *
     * @param call the call, subscribed once per attempt
     * @param <T> its value type
     * @return the guarded call
     */
    default <T> Mono<T> guard(Mono<T> call) {
        return call;
    }
}
