package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** Enrichment that keeps the item: a one-in-one-out stage pairs its result with its input. */
class WithInputTest {

    record Order(int id, String sku) {
    }

    record Priced(Order order, int cents) {
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void everyOneToOneKindPairsItsResultWithItsItem() {
        List<Order> orders = List.of(new Order(1, "a"), new Order(2, "bb"), new Order(3, "ccc"));
        List<Stage<Order, Priced>> stages = List.of(
                Stage.map("map", (Order o) -> o.sku().length()).withInput(Priced::new),
                Stage.mapAsync("async", (Order o) -> Mono.just(o.sku().length())).withInput(Priced::new).concurrency(2),
                Stage.blocking("blocking", (Order o) -> o.sku().length()).withInput(Priced::new),
                Stage.mapAsyncPartitioned("partitioned", Order::sku, (Order o) -> Mono.just(o.sku().length()))
                        .withInput(Priced::new));
        for (Stage<Order, Priced> stage : stages) {
            StepVerifier.create(Pipeline.from(Source.fromIterable("orders", orders)).then(stage).toFlux()
                            .collectSortedList((a, b) -> Integer.compare(a.order().id(), b.order().id())))
                    .expectNext(List.of(new Priced(orders.get(0), 1), new Priced(orders.get(1), 2), new Priced(orders.get(2), 3)))
                    .verifyComplete();
        }
    }

    @Test
    void aFailedLookupDeadLettersTheOriginalItemWithItsRealCauseAndAttempts() {
        AtomicInteger calls = new AtomicInteger();
        List<DeadLetter<?>> letters = new CopyOnWriteArrayList<>();
        Stage<Order, Priced> price = Stage.mapAsync("price", (Order o) -> {
                    calls.incrementAndGet();
                    return o.id() == 2 ? Mono.<Integer>error(new IllegalStateException("GET /prices/bb returned 404"))
                            : Mono.just(100 * o.id());
                })
                .retry(Retry.max(2))
                .withInput(Priced::new)
                .onError(ErrorPolicy.deadLetter(Sink.forEach("unpriced", letters::add)));
        PipelineReport<List<Priced>> report = Pipeline.from(Source.fromIterable("orders",
                        List.of(new Order(1, "a"), new Order(2, "bb"), new Order(3, "c"))))
                .then(price).to(Sink.collect("priced")).run().block(WAIT);

        assertThat(report.result().orElseThrow()).extracting(Priced::cents).containsExactly(100, 300);
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.item()).isEqualTo(new Order(2, "bb"));
            assertThat(l.error()).isInstanceOf(IllegalStateException.class).hasMessage("GET /prices/bb returned 404");
            assertThat(l.attempts()).isEqualTo(3);
            assertThat(l.stage()).isEqualTo("price");
        });
        assertThat(calls).hasValue(5);
    }

    @Test
    void anEmptyResultFiltersTheItemAndAFailingCombineFailsIt() {
        PipelineReport<List<String>> report = Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3, 4)))
                .then(Stage.mapAsync("lookup", (Integer n) -> n == 2 ? Mono.<Integer>empty() : Mono.just(n * 10))
                        .withInput((Integer n, Integer v) -> {
                            if (n == 4) {
                                throw new IllegalArgumentException("cannot combine " + n);
                            }
                            return n + "=" + v;
                        })
                        .onError(ErrorPolicy.skip()))
                .to(Sink.collect("out")).run().block(WAIT);

        assertThat(report.result().orElseThrow()).containsExactly("1=10", "3=30");
        assertThat(report.stage("lookup").filtered()).isEqualTo(1);
        assertThat(report.stage("lookup").skipped()).isEqualTo(1);
        assertThat(report.balances()).isTrue();
    }

    @Test
    void stagesThatAreNotOneInOneOutRefuseIt() {
        assertThatThrownBy(() -> Stage.flatMap("split", (String s) -> Flux.just(s, s)).withInput((a, b) -> a))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("withInput() does not apply to flatMap stage 'split': only stages that emit one "
                        + "result per item can pair it with the item");
        assertThatThrownBy(() -> Stage.filter("keep", (String s) -> true).withInput((a, b) -> a))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Stage.batch("rows", 2, Duration.ofSeconds(1)).withInput((a, b) -> a))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Stage.of("custom", (Flux<String> f) -> f).withInput((a, b) -> a))
                .isInstanceOf(IllegalStateException.class);
    }
}
