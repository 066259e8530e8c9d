package dev.pipeline.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.pipeline.core.Delivery;
import dev.pipeline.core.TestDeliveries;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consumer-group source against a real broker (a separate process, one per class), driven
 * at the level of its deliveries: the tests settle records themselves, as the engine would.
 */
class KafkaSourcesTest {

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker();

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static Flux<Delivery<ConsumerRecord<String, String>>> deliveries(KafkaSourceOptions options) {
        return ConsumerLoop.deliveries("test", options, StringDeserializer::new, StringDeserializer::new, Schedulers.parallel(), OutsideARun.CONTEXT);
    }

    private static KafkaSourceOptions options(String group, String topic) {
        return KafkaSourceOptions.of(BROKER.bootstrapServers(), group, topic).pollTimeout(Duration.ofMillis(50));
    }

    private static long sum(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void aRestartResumesFromTheCommittedOffsetsWithoutAGapAndMarksRepeats() throws Exception {
        BROKER.createTopic("resume", 2);
        Topics.produce(BROKER.bootstrapServers(), "resume", 100);
        KafkaSourceStats first = KafkaSourceStats.create();
        AtomicInteger seen = new AtomicInteger();
        // run 1: 60 received, only the first 40 done (a prefix of each partition), then cancelled
        List<Delivery<ConsumerRecord<String, String>>> run1 = deliveries(options("resume-g", "resume").stats(first))
                .doOnNext(d -> {
                    if (seen.getAndIncrement() < 40) {
                        TestDeliveries.stored(d);
                    }
                })
                .take(60)
                .collectList()
                .block(WAIT);
        assertThat(run1).hasSize(60);
        Set<String> done1 = run1.subList(0, 40).stream().map(d -> d.value().value()).collect(Collectors.toSet());
        Set<String> notDone1 = run1.subList(40, 60).stream().map(d -> d.value().value()).collect(Collectors.toSet());
        assertThat(run1).noneMatch(Delivery::redelivered);
        Topics.await("run 1's final commit", WAIT, () -> sum(BROKER.committed("resume-g", "resume")) == 40);

        // run 2: everything that was not done comes again (no gap), nothing done comes again
        List<Delivery<ConsumerRecord<String, String>>> run2 = deliveries(options("resume-g", "resume"))
                .doOnNext(TestDeliveries::stored)
                .take(60)
                .collectList()
                .block(WAIT);
        Set<String> values2 = run2.stream().map(d -> d.value().value()).collect(Collectors.toSet());
        assertThat(values2).hasSize(60).doesNotContainAnyElementsOf(done1).containsAll(notDone1);
        Set<String> all = new HashSet<>(done1);
        all.addAll(values2);
        assertThat(all).hasSize(100);
        assertThat(run2).filteredOn(d -> notDone1.contains(d.value().value())).allMatch(Delivery::redelivered);
        Topics.await("run 2's final commit", WAIT, () -> sum(BROKER.committed("resume-g", "resume")) == 100);
        // run 1 handed more than 60 to its buffer: all but the 40 done were abandoned at its end
        assertThat(first.received()).isBetween(60L, 100L);
        assertThat(first.abandoned()).isEqualTo(first.received() - 40);
    }

    @Test
    void aRecordDoneOutOfOrderWaitsBehindTheGapUntilTheEarlierOneIsDone() throws Exception {
        BROKER.createTopic("gap", 1);
        Topics.produce(BROKER.bootstrapServers(), "gap", 10);
        KafkaSourceStats stats = KafkaSourceStats.create();
        List<Delivery<ConsumerRecord<String, String>>> got = new CopyOnWriteArrayList<>();
        Disposable run = deliveries(options("gap-g", "gap").stats(stats).commitInterval(Duration.ZERO)).subscribe(got::add);
        try {
            Topics.await("10 records", WAIT, () -> got.size() == 10);
            for (int i = 9; i >= 1; i--) {
                TestDeliveries.stored(got.get(i));
            }
            Topics.await("9 records behind the gap", WAIT, () -> stats.behindGap() == 9);
            assertThat(stats.commits()).isZero();
            assertThat(BROKER.committed("gap-g", "gap")).isEmpty();

            TestDeliveries.stored(got.get(0));
            Topics.await("the commit past the closed gap", WAIT, () -> BROKER.committed("gap-g", "gap").equals(Map.of(0, 10L)));
            assertThat(stats.maxBehindGap()).isEqualTo(9);
            Topics.await("no record behind a gap", WAIT, () -> stats.behindGap() == 0);
        } finally {
            run.dispose();
        }
    }

    @Test
    void aSlowPipelinePausesPartitionsAndHoldsNoMoreThanTheInFlightBound() throws Exception {
        BROKER.createTopic("slow", 2);
        Topics.produce(BROKER.bootstrapServers(), "slow", 400);
        KafkaSourceStats stats = KafkaSourceStats.create();
        KafkaSourceOptions bounded = options("slow-g", "slow").stats(stats).maxInFlightPerPartition(10).maxInFlight(16);
        List<String> values = deliveries(bounded)
                .concatMap(d -> Mono.delay(Duration.ofMillis(2)).doOnNext(x -> TestDeliveries.stored(d)).thenReturn(d.value().value()), 1)
                .take(400)
                .collectList()
                .block(WAIT);
        assertThat(new HashSet<>(values)).hasSize(400);
        assertThat(stats.pauses()).isPositive();
        // without pausing, one poll's 400 records would all be in flight at once
        assertThat(stats.maxInFlight()).isLessThanOrEqualTo(16 + 10);
    }

    @Test
    void twoConsumersOfOneGroupShareThePartitionsAndLoseNothingInTheRebalance() throws Exception {
        BROKER.createTopic("shared", 4);
        Topics.produce(BROKER.bootstrapServers(), "shared", 600);
        Map<String, Integer> times = new ConcurrentHashMap<>();
        Set<String> a = ConcurrentHashMap.newKeySet();
        Set<String> b = ConcurrentHashMap.newKeySet();
        List<String> unmarkedRepeats = new CopyOnWriteArrayList<>();
        KafkaSourceStats statsA = KafkaSourceStats.create();
        KafkaSourceStats statsB = KafkaSourceStats.create();
        KafkaSourceOptions shared = options("shared-g", "shared").maxInFlightPerPartition(5).maxInFlight(10)
                .revocationGrace(Duration.ofSeconds(20));
        Disposable runA = slowConsumer(shared.stats(statsA), a, times, unmarkedRepeats);
        Disposable runB = null;
        try {
            Topics.await("consumer A under way", WAIT, () -> a.size() >= 20);
            runB = slowConsumer(shared.stats(statsB), b, times, unmarkedRepeats);
            Topics.await("all 600 records done", WAIT, () -> times.size() == 600);
        } finally {
            runA.dispose();
            if (runB != null) {
                runB.dispose();
            }
        }
        assertThat(b).as("the second consumer got partitions").isNotEmpty();
        assertThat(a.size() + b.size()).isGreaterThanOrEqualTo(600);
        assertThat(unmarkedRepeats).as("records received twice without the redelivered mark").isEmpty();
        long repeats = times.values().stream().filter(n -> n > 1).count();
        // revocation waited for the records in flight (done well within the grace): nothing came twice
        assertThat(repeats).isLessThanOrEqualTo(statsA.abandoned() + statsB.abandoned());
        assertThat(repeats).isZero();
    }

    @Test
    void aRevokedPartitionGivesUpItsRecordsNotDoneAfterTheGraceAndTheNextOwnerGetsThemMarked() throws Exception {
        BROKER.createTopic("grace", 2);
        Topics.produce(BROKER.bootstrapServers(), "grace", 20);
        KafkaSourceStats statsA = KafkaSourceStats.create();
        KafkaSourceOptions group = options("grace-g", "grace").commitInterval(Duration.ZERO);
        List<Delivery<ConsumerRecord<String, String>>> a = new CopyOnWriteArrayList<>();
        Set<Integer> settledPartition = ConcurrentHashMap.newKeySet();
        // A does the first record of each partition and holds the other 18 forever
        Disposable runA = deliveries(group.stats(statsA).revocationGrace(Duration.ofSeconds(1))).subscribe(d -> {
            a.add(d);
            if (settledPartition.add(d.value().partition())) {
                TestDeliveries.stored(d);
            }
        });
        List<Delivery<ConsumerRecord<String, String>>> b = new CopyOnWriteArrayList<>();
        Disposable runB = null;
        try {
            Topics.await("A has all 20", WAIT, () -> a.size() == 20);
            Topics.await("A's commits", WAIT, () -> BROKER.committed("grace-g", "grace").equals(Map.of(0, a0(a, 0), 1, a0(a, 1))));
            runB = deliveries(group).doOnNext(TestDeliveries::stored).subscribe(b::add);
            Topics.await("A to give up what it held", WAIT, () -> statsA.abandoned() == 18);
            Topics.await("B to get a partition's records", WAIT, () -> !b.isEmpty());
        } finally {
            runA.dispose();
            if (runB != null) {
                runB.dispose();
            }
        }
        assertThat(b).allMatch(Delivery::redelivered);
        Set<String> heldByA = new HashSet<>();
        a.stream().filter(d -> !d.redelivered()).map(d -> d.value().value()).forEach(heldByA::add);
        b.forEach(d -> assertThat(heldByA).contains(d.value().value()));
    }

    /** The offset after the first record of {@code partition} that {@code got} holds. */
    private static long a0(List<Delivery<ConsumerRecord<String, String>>> got, int partition) {
        return got.stream().filter(d -> d.value().partition() == partition).mapToLong(d -> d.value().offset()).min()
                .orElseThrow() + 1;
    }

    /** Does each record in 10 ms, one at a time, counting how often each value came. */
    private static Disposable slowConsumer(KafkaSourceOptions options, Set<String> mine, Map<String, Integer> times,
            List<String> unmarkedRepeats) {
        return deliveries(options)
                .concatMap(d -> Mono.delay(Duration.ofMillis(10)).doOnNext(x -> {
                    String v = d.value().value();
                    int n = times.merge(v, 1, Integer::sum);
                    if (n > 1 && !d.redelivered()) {
                        unmarkedRepeats.add(v);
                    }
                    mine.add(v);
                    TestDeliveries.stored(d);
                }), 1)
                .subscribe();
    }

    @Test
    void noBrokerFailsWithAnErrorNamingTheServersAndTopic() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String servers = "127.0.0.1:" + port;
        KafkaSourceOptions nowhere = KafkaSourceOptions.of(servers, "g", "orders").connectTimeout(Duration.ofSeconds(2))
                .property("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"hunter2\";");
        StepVerifier.create(deliveries(nowhere))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(KafkaUnavailableException.class)
                        .hasMessageContaining(servers).hasMessageContaining("orders")
                        .hasMessageNotContaining("hunter2")
                        .satisfies(k -> assertThat(((KafkaUnavailableException) k).timeout()).isEqualTo(Duration.ofSeconds(2))))
                .verify(WAIT);
    }

    @Test
    void cancellingClosesTheConsumerThread() throws Exception {
        BROKER.createTopic("cancel", 1);
        Topics.produce(BROKER.bootstrapServers(), "cancel", 5);
        deliveries(options("cancel-g", "cancel")).take(5).collectList().block(WAIT);
        Topics.await("the consumer thread to end", WAIT, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("kafka-source-test-") && t.isAlive()));
        List<String> left = new ArrayList<>();
        Thread.getAllStackTraces().keySet().forEach(t -> {
            if (t.getName().startsWith("kafka-source-test-")) {
                left.add(t.getName());
            }
        });
        assertThat(left).isEmpty();
    }
}
