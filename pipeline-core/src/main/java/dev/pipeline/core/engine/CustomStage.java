package dev.pipeline.core.engine;

import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import dev.pipeline.core.PipelineException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@code Stage.of}: any Reactor operator chain, applied once per run (per worker). Counted only
 * by what goes in and out; an error in it fails the run, naming the stage.
 */
public record CustomStage(StageOptions options, Function<? super Flux<Object>, ? extends Publisher<?>> operators)
        implements StageDef {

    @Override
    public CustomStage withOptions(StageOptions options) {
        return new CustomStage(options, operators);
    }

    @Override
    public String label() {
        return "custom";
    }

    @Override
    public Set<Option> accepts() {
        return Set.of();
    }

    @Override
    public boolean itemized() {
        return false;
    }

    @Override
    public Flux<Object> apply(Flux<Object> in, NodeRun node) {
        if (node.tracked) {
            throw new PipelineException(name(), "a custom stage (Stage.of) cannot carry the items of an acknowledged source:"
                    + " the pipeline cannot follow an item through an arbitrary operator chain to know when it is done;"
                    + " use map, mapAsync, flatMap, filter, batch or blocking stages there", null);
        }
        Publisher<?> out;
        try {
            out = Objects.requireNonNull(operators.apply(in), "the function returned null");
        } catch (RuntimeException e) {
            throw new PipelineException(name(), "the operator chain could not be built: " + e, e);
        }
        return Flux.<Object>from(out)
                .<Object>handle((v, sink) -> {
                    node.copy.emitted();
                    sink.next(v);
                })
                .onErrorMap(e -> e instanceof PipelineException ? e
                        : new PipelineException(name(), "the operator chain failed: " + e, e));
    }
}
