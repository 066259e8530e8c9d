package dev.pipeline.connectors.rabbitmq.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.pipeline.connectors.rabbitmq.RabbitException;
import dev.pipeline.connectors.rabbitmq.RabbitMessage;
import dev.pipeline.connectors.rabbitmq.TestBroker;
import dev.pipeline.connectors.rabbitmq.internal.QueueReceiver.Received;
import dev.pipeline.core.Settlement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue bridge against the real broker: prefetch bound, at-least-once, dead letters, errors. */
class QueueReceiverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TestBroker broker;

    @BeforeEach
    void open() {
        broker = TestBroker.open();
    }

    @AfterEach
    void close() {
        broker.close();
    }

    private static Flux<Received> receive(String queue, int prefetch, boolean reject, AtomicInteger unacked) {
        return QueueReceiver.receive(Broker.parse(TestBroker.URI), queue, prefetch, reject, unacked);
    }

    @Test
    void holdsNoMoreThanPrefetchUnacknowledgedWhateverTheDemand() {
        String queue = broker.queue("prefetch");
        broker.publish(queue, 50);
        AtomicInteger unacked = new AtomicInteger();
        List<Received> held = new ArrayList<>();
        StepVerifier.create(receive(queue, 5, false, unacked))
                .recordWith(() -> held)
                .expectNextCount(5)
                .expectNoEvent(Duration.ofMillis(500)) // unbounded demand, yet the broker stops at the prefetch
                .then(() -> {
                    assertThat(unacked).hasValue(5);
                    List.copyOf(held.subList(0, 2)).forEach(r -> r.settle().accept(Settlement.STORED));
                })
                .expectNextCount(2)
                .expectNoEvent(Duration.ofMillis(300))
                .then(() -> assertThat(unacked).hasValue(5))
                .thenCancel()
                .verify(TIMEOUT);
        // 2 acked; the 5 held unacked went back to the queue on cancel
        StepVerifier.create(TestBroker.eventually(() -> broker.ready(queue) == 48)).expectNext(true).verifyComplete();
    }

    @Test
    void cancelRedeliversEverythingNotAcknowledgedAndNothingElse() {
        String queue = broker.queue("redeliver");
        broker.publish(queue, 20);
        int prefetch = 10;
        List<Received> first = new ArrayList<>();
        // take 10 (request-bounded), ack 6 of them, then cancel with the rest in flight
        StepVerifier.create(receive(queue, prefetch, false, new AtomicInteger()), 10)
                .recordWith(() -> first)
                .expectNextCount(10)
                .then(() -> first.subList(0, 6).forEach(r -> r.settle().accept(Settlement.STORED)))
                .thenCancel()
                .verify(TIMEOUT);
        Set<String> acked = first.subList(0, 6).stream().map(r -> r.message().text()).collect(Collectors.toSet());

        List<RabbitMessage> second = receive(queue, 50, false, new AtomicInteger())
                .doOnNext(r -> r.settle().accept(Settlement.STORED))
                .map(Received::message)
                .take(14)
                .collectList()
                .block(TIMEOUT);
        Set<String> expected = IntStream.range(0, 20).mapToObj(i -> "m" + i).collect(Collectors.toCollection(HashSet::new));
        expected.removeAll(acked);
        assertThat(second).extracting(RabbitMessage::text).containsExactlyInAnyOrderElementsOf(expected);
        long redelivered = second.stream().filter(RabbitMessage::redelivered).count();
        assertThat(redelivered).as("the 4 held + those delivered into the buffer after the acks, at most the prefetch")
                .isBetween(4L, (long) prefetch);
        assertThat(second).filteredOn(m -> !m.redelivered()).allSatisfy(m -> assertThat(first).noneMatch(
                r -> r.message().text().equals(m.text())));
        StepVerifier.create(TestBroker.eventually(() -> broker.ready(queue) == 0)).expectNext(true).verifyComplete();
    }

    @Test
    void settlementsFromManyThreadsAckEveryMessageOnce() {
        String queue = broker.queue("concurrent");
        int n = 2000;
        broker.publish(queue, n);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger unacked = new AtomicInteger();
        Long count = receive(queue, 64, false, unacked)
                // settled on parallel (non-blocking) threads, several at once, twice each: BlockHound and the once-guard watch
                .flatMap(r -> Mono.fromRunnable(() -> {
                            seen.add(r.message().text());
                            r.settle().accept(Settlement.STORED);
                            r.settle().accept(Settlement.DEAD_LETTERED);
                        }).subscribeOn(Schedulers.parallel()).thenReturn(r), 32)
                .take(n)
                .count()
                .block(TIMEOUT);
        assertThat(count).isEqualTo(n);
        assertThat(seen).hasSize(n);
        assertThat(unacked).hasValue(0);
        StepVerifier.create(TestBroker.eventually(() -> broker.ready(queue) == 0 && broker.consumers(queue) == 0))
                .expectNext(true).verifyComplete();
    }

    @Test
    void rejectedDeadLettersGoToTheDeadLetterExchange() {
        String[] dlx = broker.deadLetterExchange("dlx");
        String queue = broker.queue("dlx-source", Map.of("x-dead-letter-exchange", dlx[0]));
        broker.publish(queue, 3);
        receive(queue, 10, true, new AtomicInteger())
                .take(3)
                .doOnNext(r -> r.settle().accept(r.message().text().equals("m1") ? Settlement.DEAD_LETTERED : Settlement.STORED))
                .then().block(TIMEOUT);
        StepVerifier.create(TestBroker.eventually(() -> broker.ready(dlx[1]) == 1)).expectNext(true).verifyComplete();
        assertThat(broker.get(dlx[1])).isEqualTo("m1");
        assertThat(broker.ready(queue)).isZero();
    }

    @Test
    void ackedDeadLettersLeaveTheQueueForGood() {
        String[] dlx = broker.deadLetterExchange("dlx-ack");
        String queue = broker.queue("dlx-ack-source", Map.of("x-dead-letter-exchange", dlx[0]));
        broker.publish(queue, 3);
        receive(queue, 10, false, new AtomicInteger())
                .take(3)
                .doOnNext(r -> r.settle().accept(Settlement.DEAD_LETTERED))
                .then().block(TIMEOUT);
        StepVerifier.create(TestBroker.eventually(() -> broker.ready(queue) == 0 && broker.consumers(queue) == 0))
                .expectNext(true).verifyComplete();
        assertThat(broker.ready(dlx[1])).isZero();
    }

    @Test
    void withAnIdleTimeoutItCompletesOnceTheQueueIsQuietAndEverythingIsSettled() {
        String queue = broker.queue("idle");
        broker.publish(queue, 30);
        List<Received> held = new ArrayList<>();
        StepVerifier.create(QueueReceiver.receive(Broker.parse(TestBroker.URI), queue, 50, false, new AtomicInteger(),
                        Duration.ofSeconds(1), Schedulers.parallel(), reactor.core.publisher.Mono.empty()))
                .recordWith(() -> held)
                .expectNextCount(30)
                // quiet, but 30 unsettled: it must not complete (closing would requeue them)
                .expectNoEvent(Duration.ofMillis(1500))
                .then(() -> held.forEach(r -> r.settle().accept(Settlement.STORED)))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(TestBroker.eventually(() -> broker.ready(queue) == 0 && broker.consumers(queue) == 0))
                .expectNext(true).verifyComplete();
    }

    @Test
    void aMissingQueueFailsNamingItAndTheVirtualHost() {
        StepVerifier.create(receive("no-such-queue-" + System.nanoTime(), 5, false, new AtomicInteger()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RabbitException.class)
                        .hasMessageContaining("127.0.0.1:5672").hasMessageContaining("vhost '/'")
                        .hasMessageContaining("no-such-queue").hasMessageContaining("NOT_FOUND")
                        .hasMessageNotContaining("guest:guest"))
                .verify(TIMEOUT);
    }
}
