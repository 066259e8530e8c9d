package dev.pipeline.core.engine;

import java.util.Set;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A kind of sink: its options, the options it accepts, and how it consumes a run's items into
 * the run's result. Adding a kind is one new record implementing this, plus its name in
 * {@code permits}.
 */
public sealed interface SinkDef permits ForEachSink, ForEachAsyncSink, CollectSink, CustomSink, ContextSink {

    /** @return the options shared by every kind */
    SinkOptions options();

    /** @return a copy with other options */
    SinkDef withOptions(SinkOptions options);

    /** @return the options this kind takes ({@link Option#ON_ERROR}, {@link Option#CONCURRENCY}, {@link Option#CIRCUIT_BREAKER}) */
    Set<Option> accepts();

    /** @return the sink's name */
    default String name() {
        return options().name();
    }

    /**
     * Consumes the items (already merged from every lane) and produces the result. The node's
     * receipts are its upstreams' outputs; the sink counts what it consumed and rejected.
     */
    Mono<Object> consume(Flux<Object> items, NodeRun node);

    /** A copy with one option changed, refused with a message naming the option and the sink if the kind does not take it. */
    default SinkDef with(Option option, UnaryOperator<SinkOptions> change) {
        if (!accepts().contains(option)) {
            String name = name();
            switch (option) {
                case CONCURRENCY:
                    throw new IllegalStateException("concurrency() applies to Sink.forEachAsync, not to sink '" + name + "'");
                case ON_ERROR:
                    throw new IllegalStateException("onError() does not apply to sink '" + name
                            + "': it has no single item to blame; only forEach, forEachAsync and create sinks do");
                case CIRCUIT_BREAKER:
                    throw new IllegalStateException("circuitBreaker() applies to Sink.forEachAsync and Sink.create, not to sink '"
                            + name + "'");
                default:
                    throw new IllegalStateException(option.method() + " does not apply to sink '" + name + "'");
            }
        }
        return withOptions(change.apply(options()));
    }
}
