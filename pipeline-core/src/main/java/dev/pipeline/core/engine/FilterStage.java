package dev.pipeline.core.engine;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code Stage.filter}: keeps the items a predicate accepts; inline unless it retries, has a breaker or dead-letters. */
public record FilterStage(StageOptions options, Predicate<Object> test) implements StageDef {

    private static final Set<Option> ACCEPTS = EnumSet.of(Option.RETRY, Option.ON_ERROR, Option.CIRCUIT_BREAKER);

    @Override
    public FilterStage withOptions(StageOptions options) {
        return new FilterStage(options, test);
    }

    @Override
    public String label() {
        return "filter";
    }

    @Override
    public Set<Option> accepts() {
        return ACCEPTS;
    }

    @Override
    public boolean inline() {
        return options.retry() == null && options.breaker() == null && !options.policy().deadLetter();
    }

    @Override
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        return PerItem.run(this, in, node, item -> Mono.fromCallable(() -> node.timedTest(test, item) ? item : null));
    }
}
