package dev.pipeline.connectors.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Source;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The producer sink against a real broker (a separate process, one per class). */
class KafkaSinksTest {

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker();

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static List<Integer> numbers(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void everyItemCountsAsStoredOnceTheBrokerAcknowledgedIt() {
        BROKER.createTopic("out", 3);
        // tag::sink[]
        KafkaSinkOptions options = KafkaSinkOptions.of(BROKER.bootstrapServers()).maxInFlight(16);
        PipelineReport<Long> report = Pipeline.from(Source.fromIterable("numbers", numbers(500)))
                .to(KafkaSinks.strings("out", options, i -> "k" + i, i -> "v" + i))   // key, value
                .run()
                .block(WAIT);
        // report.result(): the records the broker acknowledged (acks=all)
        // end::sink[]
        assertThat(report.result()).contains(500L);
        assertThat(report.stage("kafka(out)").emitted()).isEqualTo(500);
        List<ConsumerRecord<String, String>> written = Topics.readAll(BROKER.bootstrapServers(), "out", 500);
        Set<String> values = written.stream().map(ConsumerRecord::value).collect(Collectors.toSet());
        assertThat(written).hasSize(500);
        assertThat(values).containsAll(numbers(500).stream().map(i -> "v" + i).toList());
    }

    @Test
    void noMoreThanMaxInFlightSendsAwaitTheirAcknowledgement() {
        BROKER.createTopic("bounded", 2);
        CountingInterceptor.reset();
        KafkaSinkOptions options = KafkaSinkOptions.of(BROKER.bootstrapServers()).maxInFlight(4)
                .property("interceptor.classes", CountingInterceptor.class.getName())
                .property("linger.ms", 20); // batches would otherwise fill with every item at once
        PipelineReport<Long> report = Pipeline.from(Source.fromIterable("numbers", numbers(200)))
                .to(KafkaSinks.strings("bounded", options, i -> "k" + i, i -> "v" + i))
                .run()
                .block(WAIT);
        assertThat(report.result()).contains(200L);
        assertThat(CountingInterceptor.ACKED).hasValue(200);
        assertThat(CountingInterceptor.MAX_IN_FLIGHT.get()).isBetween(1, 4);
    }

    @Test
    void recordsOfOneKeyKeepTheirOrder() {
        BROKER.createTopic("ordered", 2);
        Pipeline.from(Source.fromIterable("numbers", numbers(300)))
                .to(KafkaSinks.strings("ordered", KafkaSinkOptions.of(BROKER.bootstrapServers()), i -> "k" + (i % 3), i -> "" + i))
                .run()
                .block(WAIT);
        List<ConsumerRecord<String, String>> written = Topics.readAll(BROKER.bootstrapServers(), "ordered", 300);
        for (String key : List.of("k0", "k1", "k2")) {
            List<Integer> ofKey = written.stream().filter(r -> r.key().equals(key)).map(r -> Integer.parseInt(r.value())).toList();
            assertThat(ofKey).hasSize(100).isSorted();
        }
    }

    @Test
    void aSendThatIsNeverAcknowledgedFailsTheItemNamingTheBrokerAndTopic() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String servers = "127.0.0.1:" + port;
        KafkaSinkOptions nowhere = KafkaSinkOptions.of(servers).deliveryTimeout(Duration.ofSeconds(2))
                .property("sasl.jaas.config", "PlainLoginModule required password=\"hunter2\";");
        StepVerifier.create(Pipeline.from(Source.fromIterable("numbers", numbers(3)))
                        .to(KafkaSinks.strings("orders", nowhere, i -> "k" + i, i -> "v" + i))
                        .run())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(PipelineException.class).hasMessageContaining("kafka(orders)");
                    assertThat(e.getCause()).isInstanceOf(KafkaSendException.class)
                            .hasMessageContaining(servers).hasMessageContaining("'orders'").hasMessageNotContaining("hunter2");
                    KafkaSendException send = (KafkaSendException) e.getCause();
                    assertThat(send.bootstrapServers()).isEqualTo(servers);
                    assertThat(send.topic()).isEqualTo("orders");
                })
                .verify(WAIT);
    }

    @Test
    void aFailedSendGoesToTheErrorPolicyAndTheRestAreStored() throws Exception {
        BROKER.createTopic("partly", 1);
        // partition 5 does not exist: the producer cannot place those records
        PipelineReport<Long> report = Pipeline.from(Source.fromIterable("numbers", numbers(10)))
                .to(KafkaSinks.<Integer, String, String>send(KafkaSinkOptions.of(BROKER.bootstrapServers()).deliveryTimeout(Duration.ofSeconds(3)),
                                i -> new org.apache.kafka.clients.producer.ProducerRecord<>("partly", i == 4 ? 5 : null, "k" + i, "v" + i),
                                org.apache.kafka.common.serialization.StringSerializer::new,
                                org.apache.kafka.common.serialization.StringSerializer::new)
                        .onError(ErrorPolicy.skip()))
                .run()
                .block(WAIT);
        assertThat(report.result()).contains(9L);
        assertThat(report.stage("kafka").emitted()).isEqualTo(9);
        assertThat(report.stage("kafka").skipped()).isEqualTo(1);
        assertThat(Topics.readAll(BROKER.bootstrapServers(), "partly", 9)).hasSize(9);
    }

    @Test
    void aProducerThatCannotBeMadeFailsTheRunNamingTheServers() {
        StepVerifier.create(Pipeline.from(Source.fromIterable("numbers", numbers(1)))
                        .to(KafkaSinks.strings("t", KafkaSinkOptions.of("no-such-host.invalid:9092"), i -> "k", i -> "v"))
                        .run())
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("cannot create a producer for Kafka at no-such-host.invalid:9092"))
                .verify(WAIT);
    }

    @Test
    void optionsMaskSecretsAndRefuseWhatTheSinkOwns() {
        KafkaSinkOptions o = KafkaSinkOptions.of("h:1").property("sasl.jaas.config", "password=\"hunter2\"");
        assertThat(o.toString()).contains("sasl.jaas.config=****").doesNotContain("hunter2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.property("acks", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acks");
    }
}
