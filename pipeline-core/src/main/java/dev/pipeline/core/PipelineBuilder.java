package dev.pipeline.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Flux;

/**
 * Describes a pipeline step by step, from its {@link Source} to its {@link Sink}. Immutable:
 * each call returns a new builder, so a prefix can be shared.
 *
 * <pre>{@code
 * Pipeline<Void> p = Pipeline.from(urls)
 *         .then(fetch)                 // producers...
 *         .buffer("pages", 100)        // ...a bounded hand-off (asyncio.Queue(100))...
 *         .workers(4)                  // ...and four consumers taking from it
 *         .then(parse)
 *         .to(store);
 * }</pre>
 *
 * @param <T> the type of the items at this point
 */
public final class PipelineBuilder<T> {

    private final Source<?> source;
    private final List<Object> steps;

    PipelineBuilder(Source<?> source, List<Object> steps) {
        this.source = source;
        this.steps = List.copyOf(steps);
    }

    /**
     * Adds a stage.
     *
     * @param stage the stage
     * @param <O> the stage's output type
     * @return a builder for the stage's output
     */
    public <O> PipelineBuilder<O> then(Stage<? super T, ? extends O> stage) {
        Require.nonNull(stage, "stage");
        List<Object> next = new ArrayList<>(steps);
        next.add(stage);
        return new PipelineBuilder<>(source, next);
    }

    /**
     * Adds a bounded hand-off queue (asyncq's pattern): what comes before puts items in,
     * waiting while it is full; the stages after it take items out, in one copy or in
     * {@link #workers(int) several}. Reported as a stage of kind "buffer" with its depth.
     * Besides the {@code capacity} items in the queue, the producing side requests up to
     * {@code min(capacity, 256)} items ahead from upstream, so up to about twice the capacity
     * can be in the buffer's flight.
     *
     * @param name the buffer's name
     * @param capacity the most items it holds, {@code > 0}
     * @return a builder continuing after the buffer
     */
    public PipelineBuilder<T> buffer(String name, int capacity) {
        List<Object> next = new ArrayList<>(steps);
        next.add(new Assembly.Buffer(Require.nonBlank(name, "name"), Require.positive(capacity, "capacity"), 1));
        return new PipelineBuilder<>(source, next);
    }

    /**
     * How many consumers take from the buffer just added: the stages up to the next buffer or
     * the sink run in that many parallel copies, whose outputs are merged (order across
     * workers is not kept). Defaults to 1.
     *
     * @param workers the number of consumers, {@code > 0}
     * @return a builder continuing after the buffer
     * @throws IllegalStateException if the last step is not a buffer
     */
    public PipelineBuilder<T> workers(int workers) {
        Require.positive(workers, "workers");
        if (steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof Assembly.Buffer)) {
            throw new IllegalStateException("workers(" + workers + ") must directly follow buffer(name, capacity)");
        }
        List<Object> next = new ArrayList<>(steps);
        Assembly.Buffer b = (Assembly.Buffer) next.remove(next.size() - 1);
        next.add(new Assembly.Buffer(b.name(), b.capacity(), workers));
        return new PipelineBuilder<>(source, next);
    }

    /**
     * Ends the pipeline with a sink.
     *
     * @param sink consumes the items and produces the run's result
     * @param <R> the result type
     * @return the pipeline
     * @throws IllegalArgumentException if two parts share a name
     */
    public <R> Pipeline<R> to(Sink<? super T, R> sink) {
        Require.nonNull(sink, "sink");
        checkNames(sink.name);
        checkDeadLetterSinks(sink);
        return new Pipeline<>("pipeline", source, steps, sink, List.of());
    }

    /**
     * The items as they would reach a sink, as a cold Flux (each subscription is a run without
     * a report): to test a chain of stages with {@code StepVerifier}.
     *
     * @return the items
     * @throws IllegalArgumentException if two parts share a name
     */
    @SuppressWarnings("unchecked")
    public Flux<T> toFlux() {
        checkNames(null);
        return (Flux<T>) Flux.defer(() -> Assembly.flux(source, steps,
                new RunContext("pipeline", reactor.core.scheduler.Schedulers.parallel(), List.of(), false)));
    }

    /** A dead-letter sink's own failures cannot be dead-lettered: reject that when the pipeline is built. */
    private void checkDeadLetterSinks(Sink<?, ?> sink) {
        List<ErrorPolicy> policies = new ArrayList<>();
        policies.add(source.policy);
        policies.add(sink.policy);
        for (Object step : steps) {
            if (step instanceof Stage) {
                policies.add(((Stage<?, ?>) step).policy);
            }
        }
        for (ErrorPolicy p : policies) {
            if (p.deadLetters != null && p.deadLetters.policy.deadLetters != null) {
                throw new IllegalArgumentException("dead-letter sink '" + p.deadLetters.name
                        + "' has a dead-letter policy itself; give it failFast() or skip()");
            }
        }
    }

    private void checkNames(String sinkName) {
        Set<String> names = new HashSet<>();
        List<String> all = new ArrayList<>();
        all.add(source.name);
        for (Object step : steps) {
            all.add(step instanceof Stage ? ((Stage<?, ?>) step).name : ((Assembly.Buffer) step).name());
        }
        if (sinkName != null) {
            all.add(sinkName);
        }
        for (String n : all) {
            if (!names.add(n)) {
                throw new IllegalArgumentException("the name '" + n + "' is used twice in this pipeline; every source, "
                        + "stage, buffer and sink needs its own name (they key the report)");
            }
        }
    }

    static String describe(List<Object> steps) {
        StringBuilder sb = new StringBuilder();
        for (Object step : steps) {
            if (step instanceof Stage) {
                sb.append(((Stage<?, ?>) step).name);
            } else {
                Assembly.Buffer b = (Assembly.Buffer) step;
                sb.append('[').append(b.name()).append(" x").append(b.workers()).append(']');
            }
            sb.append(" -> ");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "PipelineBuilder[" + source.name + " -> " + describe(steps) + "...]";
    }
}
