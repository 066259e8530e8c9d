package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A pipeline draws itself: every node a box, every edge an arrow, dead letters dashed, with a run's counts on request. */
class DiagramTest {

    private final Pipeline<Void> pipeline = Pipeline.from(Source.fromIterable("numbers", List.of(1, 2, 3, 4, 5, 6)))
            .then(Stage.map("check", (Integer n) -> {
                if (n == 6) {
                    throw new IllegalArgumentException("six");
                }
                return n;
            }).onError(ErrorPolicy.deadLetter(Sink.forEach("rejected", l -> { }))))
            .broadcast("copy",
                    Branch.to("audit", Sink.forEach("audit-log", n -> { })),
                    Branch.of("main", (PipelineBuilder<Integer> b) -> b.then(Stage.filter("odd", (Integer n) -> n % 2 == 1))))
            .to(Sink.forEach("store", n -> { }))
            .named("demo");

    @Test
    void mermaidHasABoxPerNodeAndAnArrowPerEdge() {
        assertThat(pipeline.toMermaid()).isEqualTo("""
                flowchart LR
                  n0["numbers<br/>source"]
                  n1["check<br/>map"]
                  n2["copy<br/>broadcast"]
                  n3["audit-log<br/>sink"]
                  n4["odd<br/>filter"]
                  n5["store<br/>sink"]
                  n6["rejected<br/>sink"]
                  n0 --> n1
                  n1 -.->|dead letters| n6
                  n1 --> n2
                  n2 -->|audit| n3
                  n2 -->|main| n4
                  n4 --> n5
                """);
    }

    @Test
    void withAReportEachNodeAndEdgeCarriesItsCounts() {
        PipelineReport<Void> report = pipeline.run().block(Duration.ofSeconds(10));
        String mermaid = pipeline.toMermaid(report);
        assertThat(mermaid)
                .contains("n1[\"check<br/>map<br/>6 in, 5 out, 1 dropped\"]")
                .contains("n4[\"odd<br/>filter<br/>5 in, 3 out, 2 dropped\"]")
                .contains("n1 -->|5| n2")
                .contains("n2 -->|audit: 5| n3")
                .contains("n1 -.->|dead letters: 1| n6");
    }

    @Test
    void dotDrawsTheSameGraph() {
        String dot = pipeline.toDot();
        assertThat(dot).startsWith("digraph \"demo\" {\n  rankdir=LR;\n")
                .contains("  n2 [label=\"copy\\nbroadcast\"];")
                .contains("  n2 -> n3 [label=\"audit\"];")
                .contains("  n1 -> n6 [style=dashed, label=\"dead letters\"];")
                .endsWith("}\n");
    }

    @Test
    void drawingRunsNothing() {
        int[] calls = {0};
        Pipeline<Void> p = Pipeline.from(Source.create("counted", ctx -> {
                    calls[0]++;
                    return reactor.core.publisher.Flux.just(1);
                }))
                .to(Sink.forEach("out", n -> calls[0]++));
        p.toMermaid();
        p.toDot();
        assertThat(calls[0]).isZero();
    }
}
