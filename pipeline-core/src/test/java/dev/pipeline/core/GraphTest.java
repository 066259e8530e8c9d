package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Pipelines as graphs: broadcast, route, merge, branches that end in sinks or rejoin. */
class GraphTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }

    @Nested
    class Broadcast {

        @Test
        void everyItemReachesEachBranchOnce() {
            List<Integer> audit = new CopyOnWriteArrayList<>();
            List<Integer> store = new CopyOnWriteArrayList<>();
            PipelineReport<Void> report = Pipeline.from(Source.fromIterable("n", range(1, 1000)))
                    .broadcast("copy",
                            Branch.to("audit", Sink.forEach("audit-file", audit::add)),
                            Branch.to("main", (PipelineBuilder<Integer> b) -> b.then(Stage.map("double", (Integer n) -> n * 2)),
                                    Sink.forEach("store", store::add)))
                    .end()
                    .run().block(WAIT);

            assertThat(audit).containsExactlyElementsOf(range(1, 1000));
            assertThat(store).hasSize(1000).allMatch(n -> n % 2 == 0);
            StageReport copy = report.stage("copy");
            assertThat(copy.kind()).isEqualTo("broadcast");
            assertThat(copy.received()).isEqualTo(1000);
            assertThat(copy.emitted()).isEqualTo(1000);
            assertThat(copy.outputs()).isEqualTo(2000);
            assertThat(copy.outlets()).containsEntry("audit", 1000L).containsEntry("main", 1000L);
            assertThat(report.stage("audit-file").upstreams()).containsExactly(new StageReport.Inlet("copy", "audit"));
            assertThat(report.stage("double").branch()).isEqualTo("copy/main");
            assertThat(report.stage("store").received()).isEqualTo(1000);
            assertThat(report.reconciles()).isTrue();
        }

        @Test
        void aBranchCanRejoinAndTheMainLineContinues() {
            List<Integer> audit = new CopyOnWriteArrayList<>();
            PipelineReport<List<Integer>> report = Pipeline.from(Source.fromIterable("n", range(1, 100)))
                    .broadcast("tee",
                            Branch.to("audit", Sink.forEach("audit-file", audit::add)),
                            Branch.of("main", (PipelineBuilder<Integer> b) -> b))
                    .then(Stage.map("square", (Integer n) -> n * n))
                    .to(Sink.collect("out"))
                    .run().block(WAIT);

            assertThat(report.result().orElseThrow()).hasSize(100).startsWith(1, 4, 9);
            assertThat(audit).hasSize(100);
            assertThat(report.stage("square").upstreams()).containsExactly(new StageReport.Inlet("tee", "main"));
            assertThat(report.result("audit-file")).isEmpty();
            assertThat(report.result("out")).contains(report.result().orElseThrow());
            assertThat(report.reconciles()).isTrue();
        }

        @Test
        void movesAtThePaceOfTheSlowestBranchThroughABoundedHold() {
            // the slow branch takes one item per second; the fast one would take everything at once
            List<Integer> fast = new CopyOnWriteArrayList<>();
            StepVerifier.withVirtualTime(() -> Pipeline.from(Source.of("n", Flux.range(1, 10_000)))
                            .broadcast("copy",
                                    Branch.to("fast", Sink.forEach("quick", fast::add)),
                                    Branch.to("slow", Sink.forEachAsync("sluggish", (Integer n) -> Mono.delay(Duration.ofSeconds(1)))))
                            .end().run())
                    .thenAwait(Duration.ofSeconds(5))
                    .then(() -> assertThat(fast.size()).as("the fast branch is held back by the slow one")
                            .isLessThan(1000))
                    .thenCancel()
                    .verify(WAIT);
        }

        @Test
        void aFailingBranchFailsTheRunAndCancelsTheOthers() {
            AtomicInteger other = new AtomicInteger();
            StepVerifier.create(Pipeline.from(Source.of("n", Flux.range(1, 1_000_000)))
                            .broadcast("copy",
                                    Branch.to("bad", Sink.forEach("breaks", (Integer n) -> {
                                        if (n == 50) {
                                            throw new IllegalStateException("disk full");
                                        }
                                    })),
                                    Branch.to("good", Sink.forEach("counts", (Integer n) -> other.incrementAndGet())))
                            .end().run())
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(PipelineException.class).hasMessageContaining("stage 'breaks' failed on item 50");
                        PipelineReport<?> r = ((PipelineException) e).report().orElseThrow();
                        assertThat(r.stage("copy").received()).isLessThan(1_000_000);
                        assertThat(r.balances()).isTrue();
                    })
                    .verify(WAIT);
            assertThat(other.get()).isLessThan(1_000_000);
        }

        @Test
        void deadLettersArePerBranch() {
            List<DeadLetter<?>> bad = new CopyOnWriteArrayList<>();
            PipelineReport<Void> report = Pipeline.from(Source.fromIterable("n", range(1, 10)))
                    .broadcast("copy",
                            Branch.to("a", (PipelineBuilder<Integer> b) -> b.then(Stage.map("a-check", (Integer n) -> {
                                if (n % 5 == 0) {
                                    throw new IllegalArgumentException("not in a: " + n);
                                }
                                return n;
                            }).onError(ErrorPolicy.deadLetter(Sink.forEach("a-letters", bad::add)))), Sink.forEach("a-out", n -> { })),
                            Branch.to("b", Sink.forEach("b-out", n -> { })))
                    .end().run().block(WAIT);

            assertThat(bad).extracting(DeadLetter::stage).containsOnly("a-check");
            assertThat(report.stage("a-check").deadLettered()).isEqualTo(2);
            assertThat(report.stage("b-out").emitted()).isEqualTo(10);
            assertThat(report.reconciles()).isTrue();
        }
    }

    @Nested
    class RouteTests {

        @Test
        void eachItemLeavesByExactlyOneBranch() {
            List<Integer> evens = new CopyOnWriteArrayList<>();
            List<Integer> odds = new CopyOnWriteArrayList<>();
            PipelineReport<Void> report = Pipeline.from(Source.fromIterable("n", range(1, 999)))
                    .route("parity", (Integer n) -> n % 2 == 0 ? "even" : "odd",
                            Branch.to("even", Sink.forEach("evens", evens::add)),
                            Branch.to("odd", Sink.forEach("odds", odds::add)))
                    .end().run().block(WAIT);

            assertThat(evens).hasSize(499).allMatch(n -> n % 2 == 0);
            assertThat(odds).hasSize(500).allMatch(n -> n % 2 == 1);
            assertThat(report.stage("parity").outlets()).containsEntry("even", 499L).containsEntry("odd", 500L);
            assertThat(report.stage("parity").emitted()).isEqualTo(999);
            assertThat(report.reconciles()).isTrue();
        }

        @Test
        void anItemNoBranchTakesFailsTheRunNamingTheRouteAndTheBranches() {
            StepVerifier.create(Pipeline.from(Source.fromIterable("orders", List.of("de:1", "fr:2", "it:3")))
                            .route("by-country", (String o) -> o.substring(0, 2),
                                    Branch.to("de", Sink.forEach("germany", o -> { })),
                                    Branch.to("fr", Sink.forEach("france", o -> { })))
                            .end().run())
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PipelineException.class)
                            .hasMessageContaining("stage 'by-country' failed on item it:3")
                            .hasMessageContaining("route 'by-country' has no branch 'it'; its branches are [de, fr]"))
                    .verify(WAIT);
        }

        @Test
        void otherwiseTakesTheRestAndThePolicyTakesWhatTheSelectorCannotName() {
            List<String> rest = new CopyOnWriteArrayList<>();
            List<DeadLetter<?>> unroutable = new CopyOnWriteArrayList<>();
            Route<String> byCountry = Route.by("by-country", (String o) -> {
                        if (o.isEmpty()) {
                            throw new IllegalArgumentException("an order without a country");
                        }
                        return o.substring(0, 2);
                    })
                    .otherwise("rest")
                    .onError(ErrorPolicy.deadLetter(Sink.forEach("unroutable", unroutable::add)));
            PipelineReport<Void> report = Pipeline.from(Source.fromIterable("orders", List.of("de:1", "it:2", "", "fr:3")))
                    .route(byCountry,
                            Branch.to("de", Sink.forEach("germany", o -> { })),
                            Branch.to("rest", Sink.forEach("others", rest::add)))
                    .end().run().block(WAIT);

            assertThat(rest).containsExactly("it:2", "fr:3");
            assertThat(unroutable).singleElement().satisfies(l -> {
                assertThat(l.stage()).isEqualTo("by-country");
                assertThat(l.error()).hasMessageContaining("an order without a country");
            });
            assertThat(report.stage("by-country").deadLettered()).isEqualTo(1);
            assertThat(report.reconciles()).isTrue();
        }

        @Test
        void branchesThatRejoinAreMergedIntoWhatFollows() {
            PipelineReport<List<String>> report = Pipeline.from(Source.fromIterable("n", range(1, 20)))
                    .route("size", (Integer n) -> n > 10 ? "big" : "small",
                            Branch.of("big", (PipelineBuilder<Integer> b) -> b.then(Stage.map("label-big", (Integer n) -> "B" + n))),
                            Branch.of("small", (PipelineBuilder<Integer> b) -> b.then(Stage.map("label-small", (Integer n) -> "s" + n))))
                    .then(Stage.map("upper", (String s) -> s.toUpperCase()))
                    .to(Sink.collect("out"))
                    .run().block(WAIT);

            assertThat(report.result().orElseThrow()).hasSize(20).contains("B20", "S1");
            assertThat(report.stage("upper").upstreams()).extracting(StageReport.Inlet::node)
                    .containsExactlyInAnyOrder("label-big", "label-small");
            assertThat(report.stage("upper").received()).isEqualTo(20);
            assertThat(report.reconciles()).isTrue();
        }
    }

    @Nested
    class Merge {

        @Test
        void twoSourcesFeedOneChain() {
            PipelineReport<List<String>> report = Pipeline
                    .merge("all",
                            Pipeline.from(Source.fromIterable("web", List.of("w1", "w2"))).then(Stage.map("tag-web", (String s) -> "web:" + s)),
                            Pipeline.from(Source.fromIterable("shop", List.of("s1", "s2", "s3"))))
                    .then(Stage.map("upper", (String s) -> s.toUpperCase()))
                    .to(Sink.collect("out"))
                    .run().block(WAIT);

            assertThat(report.result().orElseThrow()).containsExactlyInAnyOrder("WEB:W1", "WEB:W2", "S1", "S2", "S3");
            StageReport all = report.stage("all");
            assertThat(all.kind()).isEqualTo("merge");
            assertThat(all.received()).isEqualTo(5);
            assertThat(all.upstreams()).extracting(StageReport.Inlet::node).containsExactly("tag-web", "shop");
            assertThat(report.reconciles()).isTrue();
        }

        @Test
        void anInputsFailureFailsTheRun() {
            StepVerifier.create(Pipeline.merge("all",
                                    Pipeline.from(Source.of("ok", Flux.<String>never())),
                                    Pipeline.from(Source.of("broken", Flux.<String>error(new IllegalStateException("down")))))
                            .to(Sink.collect("out")).run())
                    .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("stage 'broken': the source failed"))
                    .verify(WAIT);
        }
    }

    @Nested
    class Building {

        @Test
        void namesAreUniqueAcrossTheWholeGraph() {
            assertThatThrownBy(() -> Pipeline.from(Source.fromIterable("n", range(1, 3)))
                    .broadcast("copy",
                            Branch.to("a", (PipelineBuilder<Integer> b) -> b.then(Stage.map("same", (Integer n) -> n)), Sink.forEach("x", n -> { })),
                            Branch.to("b", (PipelineBuilder<Integer> b) -> b.then(Stage.map("same", (Integer n) -> n)), Sink.forEach("y", n -> { })))
                    .end())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the name 'same' is used twice");
        }

        @Test
        void branchNamesAreUniqueWithinAFanOut() {
            assertThatThrownBy(() -> Pipeline.from(Source.fromIterable("n", range(1, 3)))
                    .broadcast("copy", Branch.to("a", Sink.forEach("x", n -> { })), Branch.to("a", Sink.forEach("y", n -> { }))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("broadcast 'copy' has two branches named 'a'; each branch of a fan-out needs its own name");
        }

        @Test
        void endRefusesBranchesThatRejoinAndToRefusesAGraphWhoseBranchesAllEnded() {
            PipelineBuilder<Integer> source = Pipeline.from(Source.fromIterable("n", range(1, 3)));
            assertThatThrownBy(() -> source.broadcast("copy", Branch.to("a", Sink.forEach("x", n -> { })),
                            Branch.of("b", (PipelineBuilder<Integer> b) -> b)).end())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("branch(es) [b] of 'copy' rejoin and would reach nothing");
            PipelineBuilder<Object> closed = source.broadcast("copy", Branch.to("a", Sink.forEach("x", n -> { })));
            assertThatThrownBy(() -> closed.to(Sink.collect("out")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("every branch of 'copy' ends in a sink, so nothing flows on to 'out'");
            assertThatThrownBy(() -> closed.then(Stage.map("m", o -> o)))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> source.end())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("this one has no fan-out");
        }

        @Test
        void aBranchMustContinueTheBuilderItIsGiven() {
            assertThatThrownBy(() -> Pipeline.from(Source.fromIterable("n", range(1, 3)))
                    .broadcast("copy", Branch.of("elsewhere",
                            (PipelineBuilder<Integer> b) -> Pipeline.from(Source.fromIterable("other", range(1, 2))))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the chain of branch 'elsewhere' of 'copy' must continue the builder it is given");
            assertThatThrownBy(() -> Pipeline.from(Source.fromIterable("n", range(1, 3)))
                    .broadcast("copy", Branch.of("early", (PipelineBuilder<Integer> b) -> {
                        b.to(Sink.collect("x"));
                        return b;
                    })))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("to(sink) cannot be used inside branch 'early' of 'copy'");
        }

        @Test
        void aRouteDefaultMustBeOneOfItsBranches() {
            assertThatThrownBy(() -> Pipeline.from(Source.fromIterable("n", range(1, 3)))
                    .route(Route.by("r", (Integer n) -> "x").otherwise("missing"), Branch.to("x", Sink.forEach("s", n -> { }))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("route 'r' sends the rest to branch 'missing', which it does not have; its branches are [x]");
        }

        @Test
        void mergeNeedsTwoInputsStartedFromASource() {
            assertThatThrownBy(() -> Pipeline.merge("m", Pipeline.from(Source.fromIterable("n", range(1, 3)))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("merge 'm' needs at least two inputs, got 1");
        }

        @Test
        void toFluxGivesWhatReachesTheEndWhileBranchSinksRun() {
            List<Integer> side = new ArrayList<>();
            StepVerifier.create(Pipeline.from(Source.fromIterable("n", range(1, 5)))
                            .broadcast("tee", Branch.to("side", Sink.forEach("side-sink", side::add)),
                                    Branch.of("main", (PipelineBuilder<Integer> b) -> b.then(Stage.map("neg", (Integer n) -> -n))))
                            .toFlux())
                    .expectNext(-1, -2, -3, -4, -5)
                    .verifyComplete();
            assertThat(side).containsExactly(1, 2, 3, 4, 5);
        }
    }
}
