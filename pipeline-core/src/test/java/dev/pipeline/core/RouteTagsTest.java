package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * A route passes its items through the shared {@code publish} unwrapped and each branch reads
 * each item's branch from a ring of tags (issue 15: the wrapper was 24 bytes per item). These
 * runs are many times longer than the ring, with sources that fuse into the {@code publish} and
 * sources that do not, items the route's policy takes out before they get a tag, and branches
 * on other threads that make the {@code publish} wait: every item must still reach its own
 * branch, in order, and the counts must stay exact.
 */
class RouteTagsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int N = 20_000;
    private static final String[] NAMES = {"b0", "b1", "b2", "b3"};

    /** Four branches by {@code n % 4}, except that {@code n % 7 == 0} fails the selector (to the policy). */
    private static String selector(Integer n) {
        if (n % 7 == 0) {
            throw new IllegalArgumentException("no branch for " + n);
        }
        return NAMES[n % 4];
    }

    private static List<Integer> expected(int branch) {
        List<Integer> out = new ArrayList<>();
        for (int n = 0; n < N; n++) {
            if (n % 7 != 0 && n % 4 == branch) {
                out.add(n);
            }
        }
        return out;
    }

    private static void assertEachBranchGotItsOwn(PipelineReport<Void> report, List<List<Integer>> got) {
        for (int b = 0; b < 4; b++) {
            assertThat(got.get(b)).as("branch %d", b).containsExactlyElementsOf(expected(b));
            assertThat(report.stage("route").outlets()).containsEntry(NAMES[b], (long) expected(b).size());
            assertThat(report.stage("sink-" + b).emitted()).isEqualTo(expected(b).size());
        }
        assertThat(report.reconciles()).isTrue();
    }

    private static PipelineReport<Void> run(Flux<Integer> source, ErrorPolicy policy, boolean slowBranches,
            List<List<Integer>> got) {
        for (int b = 0; b < 4; b++) {
            got.add(new CopyOnWriteArrayList<>());
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Branch<Integer, Object>[] branches = new Branch[4];
        for (int b = 0; b < 4; b++) {
            List<Integer> into = got.get(b);
            Sink<Integer, Void> sink = Sink.forEach("sink-" + b, into::add);
            int index = b;
            branches[b] = slowBranches
                    // another thread, one item at a time: the publish waits for this branch
                    ? Branch.to(NAMES[b], (PipelineBuilder<Integer> p) -> p.then(Stage.mapAsync("hop-" + index,
                            (Integer n) -> Mono.just(n).publishOn(Schedulers.parallel()))), sink)
                    : Branch.to(NAMES[b], sink);
        }
        return Pipeline.from(Source.of("n", source))
                .route(Route.by("route", RouteTagsTest::selector).onError(policy), branches)
                .end().run().block(WAIT);
    }

    @Test
    void aFusedSourceEachItemReachesItsBranchInOrder() {
        List<List<Integer>> got = new ArrayList<>();
        PipelineReport<Void> report = run(Flux.range(0, N), ErrorPolicy.skip(), false, got);
        assertEachBranchGotItsOwn(report, got);
        assertThat(report.stage("route").skipped()).isEqualTo((N + 6) / 7);
    }

    @Test
    void aSourceThatDoesNotFuseOnAnotherThread() {
        List<List<Integer>> got = new ArrayList<>();
        PipelineReport<Void> report = run(Flux.range(0, N).hide().publishOn(Schedulers.boundedElastic(), 16),
                ErrorPolicy.skip(), false, got);
        assertEachBranchGotItsOwn(report, got);
    }

    @RepeatedTest(3)
    void branchesOnOtherThreadsThatHoldThePublishBack() {
        List<List<Integer>> got = new ArrayList<>();
        PipelineReport<Void> report = run(Flux.range(0, N).hide().subscribeOn(Schedulers.boundedElastic()),
                ErrorPolicy.skip(), true, got);
        assertEachBranchGotItsOwn(report, got);
        assertThat(report.stage("route").skipped()).isEqualTo((N + 6) / 7);
    }

    @Test
    void deadLetteredItemsGetNoTagAndTheRestStayInOrder() {
        List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
        List<List<Integer>> got = new ArrayList<>();
        PipelineReport<Void> report = run(Flux.range(0, N), ErrorPolicy.deadLetter(Sink.forEach("letters", letters::add)),
                true, got);
        assertEachBranchGotItsOwn(report, got);
        assertThat(letters).hasSize((N + 6) / 7);
        assertThat(report.stage("route").deadLettered()).isEqualTo((N + 6) / 7);
    }

    @Test
    void aBranchThatFailsEndsTheRunWithExactCounts() {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        StepVerifier.create(Pipeline.from(Source.of("n", Flux.range(0, N)))
                        .route("route", (Integer n) -> NAMES[n % 4],
                                Branch.to("b0", Sink.forEach("sink-0", (Integer n) -> {
                                    if (n == 4_000) {
                                        throw new IllegalStateException("boom at " + n);
                                    }
                                    seen.add(n);
                                })),
                                Branch.to("b1", Sink.forEach("sink-1", n -> { })),
                                Branch.to("b2", Sink.forEach("sink-2", n -> { })),
                                Branch.to("b3", Sink.forEach("sink-3", n -> { })))
                        .end().run())
                .expectErrorSatisfies(e -> {
                    assertThat(e).hasMessageContaining("boom at 4000");
                    PipelineReport<?> report = ((PipelineException) e).report().orElseThrow();
                    assertThat(report.reconciles()).isTrue();
                    assertThat(report.stage("sink-0").failed()).isEqualTo(1);
                    assertThat(report.stage("sink-0").emitted()).isEqualTo(1_000);
                })
                .verify(WAIT);
        assertThat(seen).hasSize(1_000).allMatch(n -> n % 4 == 0 && n < 4_000);
    }
}
