package dev.pipeline.connectors.rabbitmq;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.pipeline.core.AckReport;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue source in real pipelines: acks after the sink, at-least-once over a cancelled run, dead letters. */
class RabbitPipelineTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TestBroker broker;

    @BeforeEach
    void open() {
        broker = TestBroker.open();
    }

    @AfterEach
    void close() {
        broker.close();
    }

    private static Pipeline<Void> pipeline(String queue, ConsumeOptions options, Set<String> stored, Set<String> redeliveredSeen) {
        return Pipeline.from(RabbitSources.queue("work", TestBroker.URI, queue, options))
                .then(Stage.mapAsync("slow", (RabbitMessage m) -> Mono.delay(Duration.ofMillis(2)).thenReturn(m)).concurrency(8))
                .to(Sink.forEach("store", (RabbitMessage m) -> {
                    if (m.redelivered()) {
                        redeliveredSeen.add(m.text());
                    }
                    stored.add(m.text());
                }));
    }

    @Test
    void aCancelledRunLosesNothingAndRepeatsOnlyRedeliveriesWithinThePrefetch() throws Exception {
        String queue = broker.queue("at-least-once");
        int n = 300;
        int prefetch = 16;
        broker.publish(queue, n);
        Set<String> first = ConcurrentHashMap.newKeySet();
        CountDownLatch third = new CountDownLatch(n / 3);
        Set<String> countingFirst = new CountingSet(first, third);
        RunningPipeline<Void> running = pipeline(queue, ConsumeOptions.defaults().prefetch(prefetch), countingFirst,
                ConcurrentHashMap.newKeySet()).start();
        // cancel once about a third is stored, with up to prefetch messages in flight
        assertThat(third.await(60, TimeUnit.SECONDS)).isTrue();
        running.cancel().block(TIMEOUT);
        assertThat(first.size()).isGreaterThanOrEqualTo(n / 3).isLessThan(n);

        Set<String> second = ConcurrentHashMap.newKeySet();
        Set<String> redelivered = ConcurrentHashMap.newKeySet();
        PipelineReport<Void> report = pipeline(queue, ConsumeOptions.defaults().prefetch(prefetch).idleTimeout(Duration.ofSeconds(2)),
                second, redelivered).run().block(TIMEOUT);

        Set<String> all = IntStream.range(0, n).mapToObj(i -> "m" + i).collect(Collectors.toSet());
        Set<String> union = new java.util.HashSet<>(first);
        union.addAll(second);
        assertThat(union).as("nothing lost").isEqualTo(all);
        Set<String> duplicates = second.stream().filter(first::contains).collect(Collectors.toSet());
        assertThat(redelivered).as("every duplicate was a redelivery").containsAll(duplicates);
        assertThat(duplicates.size()).as("duplicates within the prefetch").isLessThanOrEqualTo(prefetch);
        AckReport acks = report.acks("work");
        assertThat(acks.redelivered()).isEqualTo(redelivered.size()).isLessThanOrEqualTo(prefetch);
        assertThat(acks.stored()).isEqualTo(second.size());
        assertThat(acks.inFlight()).isZero();
        assertThat(acks.maxInFlight()).isLessThanOrEqualTo(prefetch);
        StepVerifier.create(TestBroker.eventually(() -> broker.ready(queue) == 0 && broker.consumers(queue) == 0))
                .expectNext(true).verifyComplete();
    }

    @Test
    void aStoppedRunAcksTheItemsInFlightThatFinishWithinTheGrace() throws Exception {
        String queue = broker.queue("stop-grace");
        int n = 40;
        int prefetch = 8;
        broker.publish(queue, n);
        Set<String> stored = ConcurrentHashMap.newKeySet();
        CountDownLatch inFlight = new CountDownLatch(prefetch);
        reactor.core.publisher.Sinks.Empty<Void> gate = reactor.core.publisher.Sinks.empty();
        RunningPipeline<Void> running = Pipeline.from(RabbitSources.queue("work", TestBroker.URI, queue,
                        ConsumeOptions.defaults().prefetch(prefetch)))
                .then(Stage.mapAsync("held", (RabbitMessage m) -> {
                    inFlight.countDown();
                    return gate.asMono().thenReturn(m);
                }).concurrency(prefetch))
                .to(Sink.forEach("store", (RabbitMessage m) -> stored.add(m.text())))
                .start();
        // prefetch messages are in the stage, none acked yet
        assertThat(inFlight.await(60, TimeUnit.SECONDS)).isTrue();
        Mono<PipelineReport<Void>> stopped = running.stop(Duration.ofSeconds(30));
        gate.tryEmitEmpty(); // the items in flight finish well within the grace
        PipelineReport<Void> report = stopped.block(TIMEOUT);

        assertThat(stored).hasSize(prefetch);
        assertThat(report.acks("work").acked()).isEqualTo(prefetch);
        assertThat(report.cutOff()).isZero();
        // the broker got the acks: only the messages never delivered are ready again
        StepVerifier.create(TestBroker.eventually(() -> broker.consumers(queue) == 0 && broker.ready(queue) == n - prefetch))
                .expectNext(true).verifyComplete();
        Set<String> second = ConcurrentHashMap.newKeySet();
        Set<String> redelivered = ConcurrentHashMap.newKeySet();
        pipeline(queue, ConsumeOptions.defaults().prefetch(prefetch).idleTimeout(Duration.ofSeconds(2)), second, redelivered)
                .run().block(TIMEOUT);
        assertThat(redelivered).as("nothing that finished within the grace is redelivered").isEmpty();
        assertThat(second).hasSize(n - prefetch).doesNotContainAnyElementsOf(stored);
    }

    /** A concurrent set that counts down a latch per element added. */
    private static final class CountingSet extends java.util.AbstractSet<String> {
        private final Set<String> set;
        private final CountDownLatch added;

        CountingSet(Set<String> set, CountDownLatch added) {
            this.set = set;
            this.added = added;
        }

        @Override
        public boolean add(String s) {
            boolean fresh = set.add(s);
            added.countDown();
            return fresh;
        }

        @Override
        public java.util.Iterator<String> iterator() {
            return set.iterator();
        }

        @Override
        public int size() {
            return set.size();
        }
    }

    @Test
    void aDrainingRunAcksEverythingAfterTheSinkAndCompletes() {
        String queue = broker.queue("drain");
        broker.publish(queue, 500);
        Set<String> stored = ConcurrentHashMap.newKeySet();
        PipelineReport<Void> report = pipeline(queue, ConsumeOptions.defaults().prefetch(32).idleTimeout(Duration.ofSeconds(2)),
                stored, ConcurrentHashMap.newKeySet()).run().block(TIMEOUT);
        assertThat(stored).hasSize(500);
        assertThat(report.acks("work").acked()).isEqualTo(500);
        assertThat(report.acks("work").maxInFlight()).isLessThanOrEqualTo(32);
        StepVerifier.create(TestBroker.eventually(() -> broker.ready(queue) == 0 && broker.consumers(queue) == 0))
                .expectNext(true).verifyComplete();
    }

    @Test
    void deadLettersGoToTheQueuesDeadLetterExchangeWhenAsked() {
        String[] dlx = broker.deadLetterExchange("pipeline-dlx");
        String queue = broker.queue("pipeline-dlx-source", Map.of("x-dead-letter-exchange", dlx[0]));
        broker.publish(queue, 10);
        Set<Object> rejected = ConcurrentHashMap.newKeySet();
        Set<String> good = ConcurrentHashMap.newKeySet();
        // tag::source[]
        PipelineReport<Void> report = Pipeline
                .from(RabbitSources.queue("work", TestBroker.URI, queue,
                        ConsumeOptions.defaults().deadLetters(DeadLetters.REJECT).idleTimeout(Duration.ofSeconds(2))))
                .then(Stage.map("check", (RabbitMessage m) -> {
                    if (m.text().equals("m3") || m.text().equals("m7")) {
                        throw new IllegalArgumentException("bad " + m.text());
                    }
                    return m.text();
                                    // a dead-letter sink that stores each one as it comes: the idle timeout waits for every settlement
                }).onError(ErrorPolicy.deadLetter(Sink.forEach("rejected", d -> rejected.add(d.item())))))
                .to(Sink.forEach("good", good::add))
                .run().block(TIMEOUT);
        // end::source[]
        assertThat(good).hasSize(8);
        assertThat(report.acks("work").stored()).isEqualTo(8);
        assertThat(report.acks("work").deadLettered()).isEqualTo(2);
        assertThat(rejected).hasSize(2);
        StepVerifier.create(TestBroker.eventually(() -> broker.ready(dlx[1]) == 2 && broker.ready(queue) == 0))
                .expectNext(true).verifyComplete();
        assertThat(List.of(broker.get(dlx[1]), broker.get(dlx[1]))).containsExactlyInAnyOrder("m3", "m7");
    }
}
