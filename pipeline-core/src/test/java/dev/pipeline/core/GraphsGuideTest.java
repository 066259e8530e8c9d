package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The snippets of docs/pipelines.md's "Graphs" section, each checked. */
class GraphsGuideTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    record Order(int id, String country, int cents) {
    }

    record Priced(Order order, int priceCents) {
    }

    private static final List<Order> ORDERS = List.of(new Order(1, "de", 1000), new Order(2, "fr", 250),
            new Order(3, "de", 4000), new Order(4, "it", 990));

    /** A lookup that takes time, like a call to a pricing API. */
    private static Mono<Integer> priceOf(Order o) {
        return Mono.delay(Duration.ofMillis(1)).thenReturn(o.cents() * 2);
    }

    @Test
    void broadcastToAnAuditFileAndOnToTheDatabase() {
        List<Order> audit = new CopyOnWriteArrayList<>();
        List<Order> stored = new CopyOnWriteArrayList<>();
        Sink<Order, Void> auditFile = Sink.forEach("audit-file", audit::add);
        Sink<Order, Void> database = Sink.forEach("database", stored::add);
        // tag::broadcast[]
        Pipeline<Void> job = Pipeline.from(Source.fromIterable("orders", ORDERS))
                .broadcast("copy",
                        Branch.to("audit", auditFile),                           // every order to the audit file...
                        Branch.of("main", (PipelineBuilder<Order> b) -> b))      // ...and on down the main line
                .then(Stage.filter("big", (Order o) -> o.cents() >= 1000))
                .to(database);
        // end::broadcast[]
        PipelineReport<Void> report = job.run().block(WAIT);
        assertThat(audit).containsExactlyElementsOf(ORDERS);
        assertThat(stored).extracting(Order::id).containsExactly(1, 3);
        assertThat(report.stage("copy").outlets()).containsEntry("audit", 4L).containsEntry("main", 4L);
        assertThat(report.reconciles()).isTrue();
    }

    @Test
    void routeByCountry() {
        List<Order> germany = new CopyOnWriteArrayList<>();
        List<Order> france = new CopyOnWriteArrayList<>();
        List<Order> rest = new CopyOnWriteArrayList<>();
        // tag::route[]
        Pipeline<Void> byCountry = Pipeline.from(Source.fromIterable("orders", ORDERS))
                .route(Route.by("by-country", (Order o) -> o.country()).otherwise("rest"),
                        Branch.to("de", Sink.forEach("germany", germany::add)),
                        Branch.to("fr", Sink.forEach("france", france::add)),
                        Branch.to("rest", Sink.forEach("elsewhere", rest::add)))
                .end();                                                         // every branch has its own sink
        // end::route[]
        PipelineReport<Void> report = byCountry.run().block(WAIT);
        assertThat(germany).extracting(Order::id).containsExactly(1, 3);
        assertThat(france).extracting(Order::id).containsExactly(2);
        assertThat(rest).extracting(Order::id).containsExactly(4);
        assertThat(report.stage("by-country").outlets()).containsEntry("de", 2L).containsEntry("fr", 1L).containsEntry("rest", 1L);
        assertThat(report.reconciles()).isTrue();
    }

    @Test
    void mergeTwoSources() {
        // tag::merge[]
        PipelineBuilder<Order> all = Pipeline.merge("all-orders",
                Pipeline.from(Source.fromIterable("web", ORDERS.subList(0, 2))),
                Pipeline.from(Source.fromIterable("shop", ORDERS.subList(2, 4)))
                        .then(Stage.map("from-shop", (Order o) -> new Order(o.id() + 100, o.country(), o.cents()))));
        Pipeline<List<Order>> merged = all.to(Sink.collect("out"));
        // end::merge[]
        PipelineReport<List<Order>> report = merged.run().block(WAIT);
        assertThat(report.result().orElseThrow()).extracting(Order::id).containsExactlyInAnyOrder(1, 2, 103, 104);
        assertThat(report.stage("all-orders").upstreams()).extracting(StageReport.Inlet::node).containsExactly("web", "from-shop");
    }

    @Test
    void enrichmentKeepsTheItem() {
        List<DeadLetter<?>> unpriced = new CopyOnWriteArrayList<>();
        // tag::withInput[]
        Stage<Order, Priced> price = Stage.mapAsync("price", (Order o) -> priceOf(o))
                .concurrency(8)
                .withInput((Order order, Integer cents) -> new Priced(order, cents))   // keeps the order
                .onError(ErrorPolicy.deadLetter(Sink.forEach("unpriced", unpriced::add)));
        // end::withInput[]
        PipelineReport<List<Priced>> report = Pipeline.from(Source.fromIterable("orders", ORDERS))
                .then(price).to(Sink.collect("priced")).run().block(WAIT);
        assertThat(report.result().orElseThrow()).extracting(p -> p.order().id(), Priced::priceCents)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 2000), org.assertj.core.groups.Tuple.tuple(2, 500),
                        org.assertj.core.groups.Tuple.tuple(3, 8000), org.assertj.core.groups.Tuple.tuple(4, 1980));
        assertThat(unpriced).isEmpty();
    }

    @Test
    void aPipelineDrawsItself() {
        Pipeline<Void> job = Pipeline.from(Source.fromIterable("orders", ORDERS))
                .broadcast("copy", Branch.to("audit", Sink.forEach("audit-file", o -> { })),
                        Branch.of("main", (PipelineBuilder<Order> b) -> b))
                .to(Sink.forEach("database", o -> { }));
        // tag::diagram[]
        String mermaid = job.toMermaid();                                // the graph
        PipelineReport<Void> report = job.run().block(WAIT);
        String counted = job.toMermaid(report);                          // the graph with the run's counts
        // end::diagram[]
        assertThat(mermaid).contains("n1 -->|audit| n2");
        assertThat(counted).contains("n1 -->|audit: 4| n2");
    }
}
