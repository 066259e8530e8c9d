package dev.pipeline.core.engine;

import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import reactor.core.publisher.Flux;

/**
 * A kind of stage: its options, the options it accepts, and how one copy of it becomes
 * Reactor operators in a run. Adding a kind is one new record implementing this, plus its
 * name in {@code permits}.
 */
public sealed interface StageDef permits MapStage, FilterStage, AsyncStage, BlockingStage, FlatMapStage, BatchStage,
        ThrottleStage, PartitionedStage, CustomStage {

    /** @return the options shared by every kind */
    StageOptions options();

    /** @return a copy of this stage with other options */
    StageDef withOptions(StageOptions options);

    /** @return the kind's name in reports: map, filter, mapAsync, ... */
    String label();

    /** @return the options this kind takes */
    Set<Option> accepts();

    /** @return the stage's name */
    default String name() {
        return options().name();
    }

    /** @return false for a custom operator chain, which is counted only by what goes in and out */
    default boolean itemized() {
        return true;
    }

    /** @return whether each item that enters leaves as one item (its outputs are its emitted) */
    default boolean oneToOne() {
        return true;
    }

    /** @return whether it runs fused inline ({@link InlineOperator}) */
    default boolean inline() {
        return false;
    }

    /**
     * How one copy of the stage runs: the operators after {@code in}. The copy counts its
     * outcomes in {@code node}; what it received is what its upstream passed on.
     */
    Flux<Object> apply(Flux<Object> in, NodeRun node);

    /** A copy whose output is {@code combine(item, result)}; only for kinds that take {@link Option#WITH_INPUT}. */
    default StageDef withInput(BiFunction<Object, Object, Object> combine) {
        require(Option.WITH_INPUT);
        throw new IllegalStateException("unreachable: " + label() + " accepts withInput() but does not implement it");
    }

    /** A copy with one option changed, refused with a message naming the option and the stage if the kind does not take it. */
    default StageDef with(Option option, UnaryOperator<StageOptions> change) {
        require(option);
        return withOptions(change.apply(options()));
    }

    default void require(Option option) {
        if (!accepts().contains(option)) {
            throw new IllegalStateException(option.method() + " does not apply to " + label() + " stage '" + name()
                    + "'" + (option == Option.WITH_INPUT ? ": only stages that emit one result per item can pair it with "
                    + "the item (map, mapAsync, blocking, mapAsyncPartitioned and the connectors' stages built on them)" : ""));
        }
    }
}
