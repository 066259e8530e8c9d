package dev.pipeline.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.pipeline.core.aio.AsyncQueue;
import dev.pipeline.core.internal.Cell;
import org.reactivestreams.Publisher;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Builds one run from a pipeline's description: source, stages, buffers (each feeding
 * {@code workers} copies of the stages after it), sink, and the dead-letter sinks beside them.
 */
final class Assembly {

    /** A bounded hand-off between stages, with the number of consumers after it. */
    record Buffer(String name, int capacity, int workers) {
    }

    private Assembly() {
    }

    /**
     * Assembles one run now (its nodes exist once this returns; nothing is subscribed): the
     * main flow and its dead-letter sinks, as a Mono of the sink's result or the run's error.
     */
    static Mono<Object> run(Source<?> source, List<Object> steps, Sink<?, ?> sink, RunContext ctx) {
        List<Mono<?>> side = new ArrayList<>();
        List<Flux<Object>> flow = flow(source, steps, ctx, side);
        Object[] result = {null};
        List<Mono<?>> all = new ArrayList<>(side);
        all.add(SinkOps.consume(sink, flow, ctx, ctx.last()).doOnNext(r -> result[0] = r));
        Mono<Void> main = Mono.when(all);
        return withDeadLetters(main, ctx).then(Mono.fromSupplier(() -> result[0]));
    }

    /** The items that would reach a sink, as a Flux, with buffers and dead-letter sinks running. */
    static Flux<Object> flux(Source<?> source, List<Object> steps, RunContext ctx) {
        return Flux.defer(() -> fluxNow(source, steps, ctx)).doFinally(s -> ctx.close());
    }

    private static Flux<Object> fluxNow(Source<?> source, List<Object> steps, RunContext ctx) {
        return Flux.defer(() -> {
            List<Mono<?>> side = new ArrayList<>();
            List<Flux<Object>> branches = flow(source, steps, ctx, side);
            Flux<Object> flow = branches.size() == 1 ? branches.get(0) : Flux.merge(branches);
            Flux<Object> main = side.isEmpty() ? flow : Flux.merge(flow, Mono.when(side).then(Mono.empty()));
            Map<Sink<DeadLetter<?>, ?>, AsyncQueue<DeadLetter<?>>> channels = ctx.channels();
            if (channels.isEmpty()) {
                return main;
            }
            return Flux.mergeDelayError(32, main.doFinally(s -> shutdown(channels)),
                            Mono.whenDelayError(deadLetterSinks(channels, ctx)).then(Mono.empty()))
                    .onErrorMap(e -> primary(e, channels));
        });
    }

    private static Mono<Void> withDeadLetters(Mono<Void> main, RunContext ctx) {
        Map<Sink<DeadLetter<?>, ?>, AsyncQueue<DeadLetter<?>>> channels = ctx.channels();
        if (channels.isEmpty()) {
            return main;
        }
        // the dead-letter sinks drain what the run sent them before the run's own error is signalled
        List<Mono<?>> all = new ArrayList<>(deadLetterSinks(channels, ctx));
        all.add(main.doFinally(s -> shutdown(channels)));
        return Mono.whenDelayError(all).onErrorMap(e -> primary(e, channels));
    }

    @SuppressWarnings("unchecked")
    private static List<Mono<?>> deadLetterSinks(Map<Sink<DeadLetter<?>, ?>, AsyncQueue<DeadLetter<?>>> channels,
            RunContext ctx) {
        List<Mono<?>> sinks = new ArrayList<>();
        channels.forEach((sink, channel) -> {
            if (sink.policy.kind == ErrorPolicy.Kind.DEAD_LETTER) {
                throw new IllegalArgumentException("dead-letter sink '" + sink.name
                        + "' has a dead-letter policy itself; give it failFast() or skip()");
            }
            Flux<Object> letters = (Flux<Object>) (Flux<?>) channel.asFlux();
            sinks.add(SinkOps.consume(sink, List.of(letters), ctx, null)
                    // a failed dead-letter sink stops taking letters: stages that still send one fail
                    .doOnError(e -> channel.shutdown(true)));
        });
        return sinks;
    }

    private static void shutdown(Map<Sink<DeadLetter<?>, ?>, AsyncQueue<DeadLetter<?>>> channels) {
        channels.values().forEach(AsyncQueue::shutdown);
    }

    /** Of several errors, the one to report: a dead-letter sink's own failure, else the first pipeline error. */
    private static Throwable primary(Throwable e, Map<Sink<DeadLetter<?>, ?>, AsyncQueue<DeadLetter<?>>> channels) {
        List<Throwable> errors = Exceptions.unwrapMultiple(e);
        if (errors.size() <= 1) {
            return errors.isEmpty() ? e : errors.get(0);
        }
        Set<String> deadLetterSinks = new HashSet<>();
        channels.keySet().forEach(s -> deadLetterSinks.add(s.name));
        Throwable chosen = null;
        for (Throwable t : errors) {
            if (t instanceof PipelineException && deadLetterSinks.contains(((PipelineException) t).stage())) {
                chosen = t;
                break;
            }
        }
        if (chosen == null) {
            chosen = errors.stream().filter(t -> t instanceof PipelineException).findFirst().orElse(errors.get(0));
        }
        for (Throwable t : errors) {
            if (t != chosen) {
                chosen.addSuppressed(t);
            }
        }
        return chosen;
    }

    /**
     * The branches of items flowing to the sink: one, or one per worker after the last buffer.
     * They are merged by whoever consumes them, after counting each as received, so that items
     * waiting in the merge's queues belong to the consumer, not to nobody.
     */
    private static List<Flux<Object>> flow(Source<?> source, List<Object> steps, RunContext ctx, List<Mono<?>> side) {
        int i = 0;
        while (i < steps.size() && steps.get(i) instanceof Stage) {
            i++;
        }
        List<Flux<Object>> branches = List.of(sourceAndFirstStages(source, steps.subList(0, i), ctx));
        // ctx.last() is now the last node of the first segment
        while (i < steps.size()) {
            Buffer buffer = (Buffer) steps.get(i++);
            int from = i;
            while (i < steps.size() && steps.get(i) instanceof Stage) {
                i++;
            }
            branches = buffer(buffer, branches, steps.subList(from, i), ctx, side);
        }
        return branches;
    }

    /**
     * Applies stages in order after {@code upstream}, fusing each run of consecutive inline
     * stages into one operator.
     */
    private static Flux<Object> stages(List<Object> stages, Flux<Object> flux, RunContext ctx, NodeMetrics upstream) {
        List<Stage<?, ?>> inline = new ArrayList<>();
        NodeMetrics previous = upstream;
        for (Object o : stages) {
            Stage<?, ?> stage = (Stage<?, ?>) o;
            if (stage.inline()) {
                inline.add(stage);
                continue;
            }
            if (!inline.isEmpty()) {
                flux = StageOps.inlineGroup(inline, flux, ctx, null, null, previous);
                previous = ctx.nodeNamed(inline.get(inline.size() - 1).name);
                inline = new ArrayList<>();
            }
            flux = StageOps.apply(stage, flux, ctx, previous);
            previous = ctx.nodeNamed(stage.name);
        }
        if (!inline.isEmpty()) {
            flux = StageOps.inlineGroup(inline, flux, ctx, null, null, previous);
        }
        return flux;
    }

    /** The source (counted and with its errors attributed by one operator) and the stages before the first buffer. */
    @SuppressWarnings("unchecked")
    private static Flux<Object> sourceAndFirstStages(Source<?> source, List<Object> stages, RunContext ctx) {
        if (source.policy.kind == ErrorPolicy.Kind.DEAD_LETTER) {
            ctx.channel(source.policy);
        }
        NodeMetrics node = ctx.node(source.name, "source", true, null);
        node.outputsAreEmitted(true);
        Cell cell = node.newCell();
        StageContext sctx = ctx.contextFor(source.name, source.policy, cell, null);
        Flux<Object> items = Flux.defer(() -> Flux.from((Publisher<Object>) Objects.requireNonNull(
                ((Source<Object>) source).factory.apply(sctx), "source '" + source.name + "' returned null")));
        if (ctx.stoppable) {
            // the graceful-stop valve serializes every item, so only runs that can be stopped have it
            items = items.takeUntilOther(ctx.stopSignal());
        }
        items = items.name(source.name).tag("pipeline", ctx.pipeline);
        int inline = 0;
        while (inline < stages.size() && ((Stage<?, ?>) stages.get(inline)).inline()) {
            inline++;
        }
        List<Stage<?, ?>> first = new ArrayList<>();
        stages.subList(0, inline).forEach(o -> first.add((Stage<?, ?>) o));
        // the source's counting and error attribution ride on the first inline operator
        Flux<Object> flux = StageOps.inlineGroup(first, items, ctx, source.name, cell, node);
        NodeMetrics last = first.isEmpty() ? node : ctx.nodeNamed(first.get(first.size() - 1).name);
        return stages(stages.subList(inline, stages.size()), flux, ctx, last);
    }

    private static List<Flux<Object>> buffer(Buffer buffer, List<Flux<Object>> upstream, List<Object> stages,
            RunContext ctx, List<Mono<?>> side) {
        AsyncQueue<Object> queue = AsyncQueue.bounded(buffer.capacity());
        NodeMetrics node = ctx.node(buffer.name(), "buffer", true, ctx.last());
        node.outputsAreEmitted(true);
        node.queue(queue::maxSize, buffer.workers());
        Flux<Object> in = upstream.size() == 1 ? upstream.get(0) : Flux.merge(upstream);
        side.add(queue.putAll(in).doFinally(s -> queue.shutdown()));
        List<Flux<Object>> workers = new ArrayList<>(buffer.workers());
        for (int w = 0; w < buffer.workers(); w++) {
            Cell out = node.newCell();
            Flux<Object> f = queue.asFlux().handle((item, sink) -> {
                out.emitted();
                sink.next(item);
            });
            workers.add(stages(stages, f, ctx, node));
        }
        return workers;
    }
}
