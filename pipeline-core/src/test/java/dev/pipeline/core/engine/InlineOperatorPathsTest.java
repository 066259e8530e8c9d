package dev.pipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.pipeline.core.PipelineException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The inline operator's three item paths ({@code tryOnNext} from a conditional source,
 * {@code onNext} from a plain one, {@code poll} when fused) run the same steps in the same order
 * and leave at the step that drops or fails an item: for one to four steps, maps that skip some
 * items and filters that drop others, every path gives the same items and the same exact counts
 * as a plain model of the steps, including on the sampled items (every {@value Cell#SAMPLE}th,
 * which take the timed path) that are dropped, skipped or passed, and under fail-fast errors and
 * cancellation.
 */
class InlineOperatorPathsTest {

    private static final int N = 5 * Cell.SAMPLE + 17;

    private final RunContext ctx = new RunContext("test", Schedulers.parallel(), List.of(), false);

    /** How a source hands its items over. */
    enum Path {
        /** A conditional source, not fused (nothing downstream asks): {@code tryOnNext}. */
        CONDITIONAL,
        /** Hidden: plain {@code onNext}. */
        PLAIN,
        /** {@code fromIterable} polled through a fused downstream. */
        FUSED
    }

    /** One step of the model: a map that skips some items, or a filter. */
    private record Spec(boolean filter, int modulus, int remainder) {
        /** Whether the step rejects {@code x}: a map throws (skipped), a filter drops it. */
        boolean rejects(int x) {
            return x % modulus == remainder;
        }
    }

    private static final Spec[] SPECS = {
        // item 1023 (the first sampled one) is skipped by the first map
        new Spec(false, 1024, 1023),
        // the second sampled item (2047, 2048 after the map) is dropped here; so are others
        new Spec(true, 2048, 0),
        new Spec(false, 7, 3),
        new Spec(true, 5, 1),
    };

    static List<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (Path p : Path.values()) {
            for (int steps = 1; steps <= 4; steps++) {
                out.add(Arguments.of(p, steps));
            }
        }
        return out;
    }

    private InlineOperator.Step[] steps(int count, Cell[] cells) {
        InlineOperator.Step[] steps = new InlineOperator.Step[count];
        for (int i = 0; i < count; i++) {
            Spec spec = SPECS[i];
            cells[i] = new Cell();
            StageOptions opts = StageOptions.named("s" + i).withPolicy(PolicyDef.SKIP);
            if (spec.filter()) {
                steps[i] = InlineOperator.Step.of(new FilterStage(opts, x -> !spec.rejects((Integer) x)), cells[i], ctx);
            } else {
                Function<Object, Object> fn = x -> {
                    if (spec.rejects((Integer) x)) {
                        throw new IllegalStateException("rejects " + x);
                    }
                    return (Integer) x + 1;
                };
                steps[i] = InlineOperator.Step.of(new MapStage(opts, fn), cells[i], ctx);
            }
        }
        return steps;
    }

    private static Flux<Object> source(Path path, int n) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(i);
        }
        return switch (path) {
            case CONDITIONAL -> Flux.range(0, n).map(i -> (Object) i);
            case PLAIN -> Flux.range(0, n).map(i -> (Object) i).hide();
            case FUSED -> Flux.fromIterable(items);
        };
    }

    @ParameterizedTest(name = "{0}, {1} steps")
    @MethodSource("shapes")
    void everyPathGivesTheModelsItemsAndCounts(Path path, int count) {
        Cell source = new Cell();
        Cell[] cells = new Cell[count];
        InlineOperator op = new InlineOperator(source(path, N), "numbers", source, steps(count, cells));
        // the model
        long[] emitted = new long[count];
        long[] dropped = new long[count];
        List<Object> expected = new ArrayList<>();
        for (int x = 0; x < N; x++) {
            int v = x;
            boolean passed = true;
            for (int i = 0; i < count; i++) {
                if (SPECS[i].rejects(v)) {
                    dropped[i]++;
                    passed = false;
                    break;
                }
                if (!SPECS[i].filter()) {
                    v++;
                }
                emitted[i]++;
            }
            if (passed) {
                expected.add(v);
            }
        }
        List<Object> got = new ArrayList<>();
        StepVerifier.FirstStep<Object> first = StepVerifier.create(op);
        StepVerifier.Step<Object> start = path == Path.FUSED ? first.expectFusion(Fuseable.SYNC) : first;
        start
                .recordWith(() -> got)
                .thenConsumeWhile(x -> true)
                .verifyComplete();
        assertThat(got).containsExactlyElementsOf(expected);
        assertThat(source.readEmitted()).isEqualTo(N);
        for (int i = 0; i < count; i++) {
            assertThat(cells[i].readEmitted()).as("step %d emitted", i).isEqualTo(emitted[i]);
            long rejected = SPECS[i].filter() ? cells[i].readFiltered() : cells[i].readSkipped();
            assertThat(rejected).as("step %d rejected", i).isEqualTo(dropped[i]);
        }
    }

    @ParameterizedTest(name = "{0}, {1} steps")
    @MethodSource("shapes")
    void aFailFastStepStopsAtItsItemWithExactCounts(Path path, int count) {
        Cell source = new Cell();
        Cell[] cells = new Cell[count];
        InlineOperator.Step[] steps = steps(count, cells);
        // the last step fails fast on the first item that reaches it at or after 3000 (sampled or not)
        int last = count - 1;
        Cell failing = new Cell();
        cells[last] = failing;
        steps[last] = InlineOperator.Step.of(new MapStage(StageOptions.named("boom"), x -> {
            if ((Integer) x >= 3000) {
                throw new IllegalStateException("boom at " + x);
            }
            return x;
        }), failing, ctx);
        List<Object> got = new ArrayList<>();
        StepVerifier.FirstStep<Object> first = StepVerifier.create(new InlineOperator(source(path, N), "numbers", source, steps));
        StepVerifier.Step<Object> start = path == Path.FUSED ? first.expectFusion(Fuseable.SYNC) : first;
        start
                .recordWith(() -> got)
                .thenConsumeWhile(x -> true)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                        .hasMessageContaining("stage 'boom' failed on item"))
                .verify();
        assertThat(failing.readFailed()).isEqualTo(1);
        assertThat(failing.readEmitted()).isEqualTo(got.size());
        // nothing after the failed item was taken from the source
        long reachedFailing = failing.readEmitted() + 1;
        long before = count == 1 ? source.readEmitted()
                : cells[last - 1].readEmitted();
        assertThat(before).isEqualTo(reachedFailing);
        long resolvedFirst = count == 1 ? reachedFailing
                : cells[0].readEmitted() + (SPECS[0].filter() ? cells[0].readFiltered() : cells[0].readSkipped());
        assertThat(source.readEmitted()).isEqualTo(resolvedFirst);
    }

    @ParameterizedTest(name = "{0}, {1} steps")
    @MethodSource("shapes")
    void cancellingKeepsTheCountsOfWhatWasHandedOver(Path path, int count) {
        Cell source = new Cell();
        Cell[] cells = new Cell[count];
        InlineOperator op = new InlineOperator(source(path, N), "numbers", source, steps(count, cells));
        StepVerifier.create(op.take(2500))
                .thenConsumeWhile(x -> true)
                .verifyComplete();
        assertThat(cells[count - 1].readEmitted()).isEqualTo(2500);
        // every item the source emitted was resolved by exactly one step or passed on
        long resolved = cells[count - 1].readEmitted();
        for (int i = 0; i < count; i++) {
            resolved += SPECS[i].filter() ? cells[i].readFiltered() : cells[i].readSkipped();
        }
        assertThat(source.readEmitted()).isEqualTo(resolved);
    }
}
