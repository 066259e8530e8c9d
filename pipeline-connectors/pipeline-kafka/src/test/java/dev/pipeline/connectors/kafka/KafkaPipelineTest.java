package dev.pipeline.connectors.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.pipeline.core.AckReport;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Stage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka through whole pipeline runs (the engine settles each record once its item left the
 * pipeline): at-least-once over a stop, a cancel and a restart.
 */
class KafkaPipelineTest {

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker();

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int RECORDS = 300;

    /** Source -> parse -> a slow sink that records each stored value and how often it came. */
    private static Pipeline<Void> pipeline(String topic, String group, Map<String, Integer> stored) {
        // tag::source[]
        KafkaSourceOptions options = KafkaSourceOptions.of(BROKER.bootstrapServers(), group, topic)
                .maxInFlightPerPartition(20)   // pause a partition with 20 records not done
                .maxInFlight(40)               // pause all with 40
                .pollTimeout(Duration.ofMillis(50));
        return Pipeline.from(KafkaSources.strings("orders", options))
                .then(Stage.map("value", r -> r.value()))
                .to(Sink.forEachAsync("store", (String v) -> Mono.delay(Duration.ofMillis(2))
                        .doOnNext(x -> stored.merge(v, 1, Integer::sum)).then()));
        // end::source[]
    }

    private static long committed(String group, String topic) {
        return BROKER.committed(group, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void aGracefulStopCommitsEverythingItStoredAndARestartRepeatsNothing() throws Exception {
        BROKER.createTopic("stop", 2);
        Topics.produce(BROKER.bootstrapServers(), "stop", RECORDS);
        Map<String, Integer> first = new ConcurrentHashMap<>();
        RunningPipeline<Void> run1 = pipeline("stop", "stop-g", first).start();
        Topics.await("100 stored", WAIT, () -> first.size() >= 100);
        PipelineReport<Void> report1 = run1.stop(Duration.ofSeconds(30)).block(WAIT);
        AckReport acks1 = report1.acks("orders");
        assertThat(acks1.stored()).isEqualTo(first.size());
        // the items that finished after the source was stopped were committed too
        Topics.await("the final commit", WAIT, () -> committed("stop-g", "stop") == first.size());

        Map<String, Integer> second = new ConcurrentHashMap<>();
        RunningPipeline<Void> run2 = pipeline("stop", "stop-g", second).start();
        Topics.await("the rest stored", WAIT, () -> first.size() + second.size() >= RECORDS);
        PipelineReport<Void> report2 = run2.stop(Duration.ofSeconds(30)).block(WAIT);
        assertThat(second.keySet()).doesNotContainAnyElementsOf(first.keySet());
        Set<String> all = new HashSet<>(first.keySet());
        all.addAll(second.keySet());
        assertThat(all).hasSize(RECORDS);
        assertThat(report2.acks("orders").stored()).isEqualTo(second.size());
        Topics.await("everything committed", WAIT, () -> committed("stop-g", "stop") == RECORDS);
    }

    @Test
    void aRecordThatCannotBeDeserializedIsSkippedByTheSourcesPolicyAndCommittedPast() throws Exception {
        BROKER.createTopic("poison", 1);
        Topics.produce(BROKER.bootstrapServers(), "poison", 3);                 // "v0".."v2": 2 bytes, not an int
        KafkaSourceOptions options = KafkaSourceOptions.of(BROKER.bootstrapServers(), "poison-g", "poison")
                .pollTimeout(Duration.ofMillis(50));
        Map<String, Integer> stored = new ConcurrentHashMap<>();
        RunningPipeline<Void> run = Pipeline.from(KafkaSources.records("numbers", options, StringDeserializer::new,
                        IntegerDeserializer::new).onError(ErrorPolicy.skip()))
                .to(Sink.forEach("store", (ConsumerRecord<String, Integer> r) -> stored.merge(r.key(), 1, Integer::sum)))
                .start();
        Topics.await("the three bad records committed past", WAIT, () -> committed("poison-g", "poison") == 3);
        PipelineReport<Void> report = run.stop(Duration.ofSeconds(30)).block(WAIT);
        assertThat(stored).isEmpty();
        assertThat(report.stage("numbers").skipped()).isEqualTo(3);
    }

    @Test
    void underFailFastARecordThatCannotBeDeserializedFailsTheRunNamingIt() throws Exception {
        BROKER.createTopic("poison-ff", 1);
        Topics.produce(BROKER.bootstrapServers(), "poison-ff", 1);
        KafkaSourceOptions options = KafkaSourceOptions.of(BROKER.bootstrapServers(), "poison-ff-g", "poison-ff");
        Throwable error = Pipeline.from(KafkaSources.records("numbers", options, StringDeserializer::new, IntegerDeserializer::new))
                .to(Sink.forEach("store", r -> { }))
                .run()
                .map(r -> (Throwable) new AssertionError("the run should fail, ended " + r.status()))
                .onErrorResume(e -> Mono.just(e))
                .block(WAIT);
        assertThat(error).isInstanceOf(PipelineException.class).hasMessageContaining("numbers");
        assertThat(error).hasStackTraceContaining("record poison-ff-0@0").hasStackTraceContaining(BROKER.bootstrapServers());
        assertThat(committed("poison-ff-g", "poison-ff")).isZero();
    }

    @Test
    void aCancelledRunLeavesNoGapAndItsRepeatsAreCountedAsRedelivered() throws Exception {
        BROKER.createTopic("cancelled", 2);
        Topics.produce(BROKER.bootstrapServers(), "cancelled", RECORDS);
        Map<String, Integer> first = new ConcurrentHashMap<>();
        RunningPipeline<Void> run1 = pipeline("cancelled", "cancelled-g", first).start();
        Topics.await("100 stored", WAIT, () -> first.size() >= 100);
        run1.cancel().block(WAIT);

        Map<String, Integer> second = new ConcurrentHashMap<>();
        RunningPipeline<Void> run2 = pipeline("cancelled", "cancelled-g", second).start();
        Set<String> all = ConcurrentHashMap.newKeySet();
        Topics.await("every record stored once at least", WAIT, () -> {
            all.addAll(first.keySet());
            all.addAll(second.keySet());
            return all.size() == RECORDS;
        });
        PipelineReport<Void> report2 = run2.stop(Duration.ofSeconds(30)).block(WAIT);
        Set<String> repeats = new HashSet<>(second.keySet());
        repeats.retainAll(first.keySet());
        AckReport acks2 = report2.acks("orders");
        assertThat(acks2.redelivered()).as("repeats %s", repeats).isGreaterThanOrEqualTo(repeats.size());
        // what a cancel repeats is bounded by the in-flight window (40 records, one poll more)
        assertThat(repeats.size()).isLessThanOrEqualTo(40 + 20);
        assertThat(second.values()).allMatch(n -> n == 1);
    }
}
