package dev.pipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.pipeline.core.StageReport;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** The accounting of each kind of node: what it received comes from its upstreams' counts, never its own. */
class NodeAccountTest {

    private final RunContext ctx = new RunContext("test", Schedulers.parallel(), List.of(), false);

    private StageReport report(String name) {
        return ctx.snapshot().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private NodeAccount node(String name, String kind, NodeAccount... from) {
        NodeAccount n = ctx.node(name, kind, true, "");
        for (NodeAccount f : from) {
            n.from(f);
        }
        return n;
    }

    @Nested
    class Linear {

        @Test
        void aSourceReceivedWhatItProducedWhetherPassedOnOrRejected() {
            NodeAccount source = node("src", "source");
            source.outputsAreEmitted(true);
            Cell c = source.newCell();
            c.emitted(7);
            c.skipped();
            c.deadLettered();
            StageReport r = report("src");
            assertThat(r.received()).isEqualTo(9);
            assertThat(r.emitted()).isEqualTo(7);
            assertThat(r.inFlight()).isZero();
            assertThat(r.balances()).isTrue();
        }

        @Test
        void aStageReceivedWhatItsUpstreamPassedOnAndHoldsTheRestInFlight() {
            NodeAccount source = node("src", "source");
            source.outputsAreEmitted(true);
            NodeAccount map = node("map", "map", source);
            map.outputsAreEmitted(true);
            source.newCell().emitted(10);
            Cell m = map.newCell();
            m.emitted(6);
            m.filtered();
            m.failed();
            StageReport r = report("map");
            assertThat(r.received()).isEqualTo(10);
            assertThat(r.inFlight()).isEqualTo(2);
            assertThat(r.upstreams()).containsExactly(new StageReport.Inlet("src", ""));
            assertThat(r.balances()).isTrue();
        }

        @Test
        void aFlatMapCountsInputItemsAndItsResultsApart() {
            NodeAccount source = node("src", "source");
            source.outputsAreEmitted(true);
            NodeAccount split = node("split", "flatMap", source);
            NodeAccount next = node("next", "map", split);
            next.outputsAreEmitted(true);
            source.newCell().emitted(3);
            Cell s = split.newCell();
            s.emittedConcurrent(3);
            for (int i = 0; i < 12; i++) {
                s.output();
            }
            assertThat(report("split").outputs()).isEqualTo(12);
            assertThat(report("split").emitted()).isEqualTo(3);
            assertThat(report("next").received()).isEqualTo(12);
        }

        @Test
        void workersOfOneNodeAddUp() {
            NodeAccount source = node("src", "source");
            source.outputsAreEmitted(true);
            NodeAccount buffer = node("buf", "buffer", source);
            buffer.outputsAreEmitted(true);
            buffer.queue(() -> 5, 3);
            source.newCell().emitted(30);
            buffer.newCell().emitted(10);
            buffer.newCell().emitted(9);
            buffer.newCell().emitted(8);
            StageReport r = report("buf");
            assertThat(r.emitted()).isEqualTo(27);
            assertThat(r.inFlight()).isEqualTo(3);
            assertThat(r.workers()).isEqualTo(3);
            assertThat(r.maxQueueDepth()).isEqualTo(5);
        }

        @Test
        void aDeadLetterSinkCountsWhatItTookItself() {
            NodeAccount dead = node("letters", "sink");
            dead.ownReceipt();
            dead.outputsAreEmitted(true);
            Cell c = dead.newCell();
            c.received();
            c.received();
            c.emitted();
            assertThat(report("letters").received()).isEqualTo(2);
            assertThat(report("letters").inFlight()).isEqualTo(1);
        }
    }

    @Nested
    class FanOutAndIn {

        @Test
        void aBroadcastEmitsAnItemOnceEveryBranchHasIt() {
            NodeAccount source = node("src", "source");
            source.outputsAreEmitted(true);
            NodeAccount copy = node("copy", "broadcast", source);
            copy.fanOut(NodeAccount.FanOut.BROADCAST, List.of("a", "b"));
            NodeAccount a = ctx.node("a-sink", "sink", true, "copy/a");
            a.from(copy, 0);
            NodeAccount b = ctx.node("b-sink", "sink", true, "copy/b");
            b.from(copy, 1);
            source.newCell().emitted(10);
            copy.newOutletCell(0).emitted(10);
            copy.newOutletCell(1).emitted(4);
            StageReport r = report("copy");
            assertThat(r.emitted()).isEqualTo(4);
            assertThat(r.inFlight()).isEqualTo(6);
            assertThat(r.outputs()).isEqualTo(14);
            assertThat(r.outlets()).isEqualTo(Map.of("a", 10L, "b", 4L));
            assertThat(report("a-sink").received()).isEqualTo(10);
            assertThat(report("b-sink").received()).isEqualTo(4);
            assertThat(report("b-sink").upstreams()).containsExactly(new StageReport.Inlet("copy", "b"));
        }

        @Test
        void aRouteEmitsAnItemOnceItsBranchHasItAndCountsWhatNoBranchTook() {
            NodeAccount source = node("src", "source");
            source.outputsAreEmitted(true);
            NodeAccount route = node("route", "route", source);
            route.fanOut(NodeAccount.FanOut.ROUTE, List.of("x", "y"));
            source.newCell().emitted(10);
            route.newOutletCell(0).emitted(5);
            route.newOutletCell(1).emitted(3);
            route.newCell().skipped();
            StageReport r = report("route");
            assertThat(r.emitted()).isEqualTo(8);
            assertThat(r.skipped()).isEqualTo(1);
            assertThat(r.inFlight()).isEqualTo(1);
            assertThat(r.balances()).isTrue();
        }

        @Test
        void aMergeReceivedWhatAllItsInputsPassedOn() {
            NodeAccount a = node("a", "source");
            a.outputsAreEmitted(true);
            NodeAccount b = node("b", "source");
            b.outputsAreEmitted(true);
            NodeAccount merge = node("all", "merge", a, b);
            merge.outputsAreEmitted(true);
            a.newCell().emitted(4);
            b.newCell().emitted(5);
            merge.newCell().emitted(7);
            StageReport r = report("all");
            assertThat(r.received()).isEqualTo(9);
            assertThat(r.inFlight()).isEqualTo(2);
            assertThat(r.upstreams()).extracting(StageReport.Inlet::node).containsExactly("a", "b");
        }
    }

    @Test
    void aSnapshotNeverShowsMoreOutcomesThanReceiptsWhileCountsMove() throws InterruptedException {
        NodeAccount source = node("src", "source");
        source.outputsAreEmitted(true);
        NodeAccount map = node("map", "map", source);
        map.outputsAreEmitted(true);
        Cell s = source.newCell();
        Cell m = map.newCell();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 200_000; i++) {
                s.emitted();
                m.emitted();
            }
        });
        writer.start();
        while (writer.isAlive()) {
            for (StageReport r : ctx.snapshot()) {
                assertThat(r.inFlight()).isNotNegative();
                assertThat(r.balances()).isTrue();
                assertThat(r.emitted()).isLessThanOrEqualTo(r.received());
            }
        }
        writer.join(10_000);
        assertThat(report("map").emitted()).isEqualTo(200_000);
    }
}
