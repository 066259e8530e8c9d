package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.LongStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Random graphs (one seed per case, printed on failure): chains of map, filter, mapAsync and
 * buffers with workers, broadcasts and routes whose branches end in sinks or rejoin, merges of
 * two sources, random failures under every policy, and random cancellation from inside a
 * sink. Whatever happens, every node balances, every node received exactly what its upstreams
 * passed to it, a completed run reconciles across the graph, and every sink consumed exactly
 * what the report says it did.
 */
class GraphInvariantTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 520).map(s -> s * 104_729L);
    }

    /** Builds one random graph; remembers what each sink consumed. */
    private static final class Gen {
        final Random random;
        final Map<String, List<Object>> consumed = new LinkedHashMap<>();
        final List<DeadLetter<?>> dead = new CopyOnWriteArrayList<>();
        final AtomicReference<RunningPipeline<?>> running = new AtomicReference<>();
        final AtomicInteger total = new AtomicInteger();
        /** The sources start once the test holds the run's handle (a sink may cancel it). */
        final Sinks.Empty<Void> gate = Sinks.empty();
        final Sink<DeadLetter<?>, Void> deadSink = Sink.forEach("dead", dead::add);
        final int cancelAfter;
        int names;

        Gen(long seed) {
            random = new Random(seed);
            cancelAfter = random.nextInt(5) == 0 ? 1 + random.nextInt(200) : -1;
        }

        String name(String kind) {
            return kind + "-" + names++;
        }

        boolean fails(Object item, int salt, int percent) {
            return Math.floorMod(item.hashCode() * 31 + salt, 100) < percent;
        }

        ErrorPolicy policy() {
            switch (random.nextInt(6)) {
                case 0: return ErrorPolicy.failFast();
                case 1:
                case 2: return ErrorPolicy.skip();
                default: return ErrorPolicy.deadLetter(deadSink, 1 + random.nextInt(8));
            }
        }

        <T> Sink<T, Void> sink() {
            String name = name("sink");
            List<Object> items = new CopyOnWriteArrayList<>();
            consumed.put(name, items);
            return Sink.forEach(name, (T item) -> {
                items.add(item);
                if (cancelAfter > 0 && total.incrementAndGet() == cancelAfter) {
                    running.get().cancel();
                }
            });
        }

        PipelineBuilder<Object> steps(PipelineBuilder<Object> b, int depth) {
            return steps(b, depth, false);
        }

        /** @param open whether items must still flow out (a branch that ends in its own sink) */
        PipelineBuilder<Object> steps(PipelineBuilder<Object> b, int depth, boolean open) {
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                int salt = random.nextInt(1000);
                int rate = random.nextInt(3) == 0 ? 0 : random.nextInt(15);
                switch (random.nextInt(depth < 2 ? 6 : 4)) {
                    case 0:
                        b = b.then(Stage.map(name("map"), (Object x) -> {
                            if (fails(x, salt, rate)) {
                                throw new IllegalStateException("map fails on " + x);
                            }
                            return x;
                        }).onError(policy()));
                        break;
                    case 1:
                        b = b.then(Stage.filter(name("filter"), (Object x) -> !fails(x, salt, 20)));
                        break;
                    case 2:
                        boolean async = random.nextBoolean();
                        b = b.then(Stage.mapAsync(name("async"), (Object x) -> {
                                    Mono<Object> m = fails(x, salt, rate) ? Mono.error(new IllegalStateException("async " + x))
                                            : Mono.just(x);
                                    return async ? m.subscribeOn(Schedulers.parallel()) : m;
                                })
                                .concurrency(1 + random.nextInt(4)).ordered(random.nextBoolean()).onError(policy()));
                        break;
                    case 3:
                        b = b.buffer(name("buffer"), 1 + random.nextInt(16)).workers(1 + random.nextInt(3));
                        break;
                    default:
                        b = fanOut(b, depth, open);
                        if (!b.chain.open()) {
                            return b;
                        }
                }
            }
            return b;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        PipelineBuilder<Object> fanOut(PipelineBuilder<Object> b, int depth, boolean open) {
            int count = 1 + random.nextInt(3);
            List<Branch<Object, Object>> branches = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "b" + i;
                if ((open && i == 0) || random.nextBoolean()) {
                    branches.add(Branch.of(name, x -> steps(x, depth + 1, false)));
                } else {
                    Function<PipelineBuilder<Object>, PipelineBuilder<Object>> chain = x -> steps(x, depth + 1, true);
                    branches.add(Branch.to(name, chain, sink()));
                }
            }
            Branch<Object, Object>[] array = branches.toArray(new Branch[0]);
            if (random.nextBoolean()) {
                return b.broadcast(name("broadcast"), array);
            }
            int salt = random.nextInt(1000);
            Route<Object> route = Route.by(name("route"), (Object x) -> {
                int k = Math.floorMod(x.hashCode() + salt, count + 1);
                if (k == count && fails(x, salt, 30)) {
                    throw new IllegalStateException("no branch for " + x);
                }
                return "b" + Math.min(k, count - 1);
            }).onError(random.nextBoolean() ? ErrorPolicy.skip() : ErrorPolicy.deadLetter(deadSink));
            return b.route(route, array);
        }

        Source<Object> source(Flux<Object> items) {
            return Source.of(name("source"), items.delaySubscription(gate.asMono()));
        }

        Pipeline<Void> pipeline() {
            int items = random.nextInt(300);
            PipelineBuilder<Object> head;
            if (random.nextInt(4) == 0) {
                head = Pipeline.merge(name("merge"),
                        steps(Pipeline.from(source(Flux.range(0, items).map(i -> (Object) ("a" + i)))), 2),
                        steps(Pipeline.from(source(Flux.range(0, items / 2).map(i -> (Object) ("b" + i)))), 2));
            } else {
                head = Pipeline.from(source(Flux.range(0, items).map(i -> (Object) i)));
            }
            PipelineBuilder<Object> b = steps(head, 0);
            return b.chain.open() ? b.to(this.<Object>sink()) : b.end();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyNodeAndEverySinkIsAccountedForExactly(long seed) {
        Gen gen = new Gen(seed);
        Pipeline<Void> pipeline = gen.pipeline();
        RunningPipeline<Void> run = pipeline.start();
        gen.running.set(run);
        gen.gate.tryEmitEmpty();
        @SuppressWarnings("unchecked")
        PipelineReport<Void> report = run.await().onErrorResume(PipelineException.class, e -> Mono.just(
                        (PipelineReport<Void>) e.report().orElseThrow()))
                .block(Duration.ofSeconds(30));

        String where = "seed " + seed + " " + pipeline + "\n" + report;
        assertThat(report).as(where).isNotNull();
        assertThat(report.balances()).as(where).isTrue();
        assertThat(report.reconciles()).as(where).isTrue();
        // a run that failed or was cancelled ends with the signal that ended it; Reactive Streams
        // lets a few items still arrive while the operators stop, so a sink may consume some of
        // the items the final report counts as cut off
        boolean cancelled = report.status() != PipelineStatus.COMPLETED;
        gen.consumed.forEach((sink, items) -> {
            long emitted = report.stage(sink).emitted();
            if (cancelled) {
                assertThat((long) items.size()).as(where + "\nsink " + sink).isBetween(emitted, emitted + report.cutOff());
            } else {
                assertThat((long) items.size()).as(where + "\nsink " + sink).isEqualTo(emitted);
            }
        });
        boolean hasDeadLetterSink = report.stages().stream().anyMatch(s -> s.name().equals("dead"));
        if (hasDeadLetterSink) {
            long dead = report.stages().stream().filter(s -> !s.name().equals("dead")).mapToLong(StageReport::deadLettered).sum();
            StageReport letters = report.stage("dead");
            if (cancelled) {
                assertThat((long) gen.dead.size()).as(where).isBetween(letters.emitted(), letters.emitted() + report.cutOff());
            } else {
                assertThat((long) gen.dead.size()).as(where).isEqualTo(letters.emitted());
                assertThat(letters.received()).as(where).isEqualTo(dead);
            }
        }
    }
}
