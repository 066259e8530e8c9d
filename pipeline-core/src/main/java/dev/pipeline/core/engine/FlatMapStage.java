package dev.pipeline.core.engine;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import dev.pipeline.core.ItemTimeoutException;
import dev.pipeline.core.Settlement;
import dev.pipeline.core.aio.Tasks;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Stage.flatMap}: any number of results per item. Counted in input items (an item is
 * emitted when its results are all out); the results are its outputs. No retry: results
 * already emitted would repeat.
 */
public record FlatMapStage(StageOptions options, Function<Object, ? extends Publisher<?>> fn) implements StageDef {

    private static final Set<Option> ACCEPTS = EnumSet.of(Option.CONCURRENCY, Option.ORDERED, Option.TIMEOUT,
            Option.ON_ERROR);

    @Override
    public FlatMapStage withOptions(StageOptions options) {
        return new FlatMapStage(options, fn);
    }

    @Override
    public String label() {
        return "flatMap";
    }

    @Override
    public Set<Option> accepts() {
        return ACCEPTS;
    }

    @Override
    public boolean oneToOne() {
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        Duration timeout = options.timeout();
        String message = "the function of flatMap stage '" + name() + "' returned null";
        Function<Object, Object> call = item -> fn.apply(item);
        Function<Object, Publisher<Object>> mapper = item -> {
            Tracked tracked = item instanceof Tracked t ? t : null;
            Object value = tracked == null ? item : tracked.value;
            Flux<Object> results = Flux.defer(() -> Flux.from((Publisher<Object>) Objects.requireNonNull(
                    node.timed(call, value), message)));
            if (timeout != null) {
                Mono<Object> timedOut = Mono.error(() -> new ItemTimeoutException(name(), timeout));
                results = results.timeout(Tasks.sleep(timeout), v -> Tasks.sleep(timeout), timedOut);
            }
            if (tracked != null) {
                // each result takes a share before it is seen downstream; the item releases its own
                // once all its results are out (as filtered: the results' settlements are the worse)
                results = results.<Object>map(r -> {
                    tracked.ticket.retain(1);
                    return tracked.with(r);
                }).doOnComplete(() -> tracked.ticket.release(Settlement.FILTERED));
            }
            return results
                    .doOnComplete(() -> node.copy.emittedConcurrent(1))
                    .onErrorResume(e -> node.reject(item, e, 1).thenMany(Flux.empty()));
        };
        Flux<Object> out;
        if (options.concurrency() == 1) {
            out = in.concatMap(mapper);
        } else {
            out = options.ordered() ? in.flatMapSequential(mapper, options.concurrency())
                    : in.flatMap(mapper, options.concurrency());
        }
        // results count as they leave the stage
        return out.handle((item, sink) -> {
            node.copy.output();
            sink.next(item);
        });
    }
}
