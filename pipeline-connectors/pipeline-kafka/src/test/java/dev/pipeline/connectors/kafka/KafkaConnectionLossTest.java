package dev.pipeline.connectors.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import dev.pipeline.core.Delivery;
import dev.pipeline.core.TestDeliveries;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/** A broker that goes away during a run: the source fails with a typed error naming it. Its own broker, stopped mid-test. */
class KafkaConnectionLossTest {

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker();

    @Test
    void aBrokerThatStopsAnsweringFailsTheSourceWithAnErrorNamingIt() throws Exception {
        BROKER.createTopic("lost", 1);
        Topics.produce(BROKER.bootstrapServers(), "lost", 5);
        KafkaSourceOptions options = KafkaSourceOptions.of(BROKER.bootstrapServers(), "lost-g", "lost")
                .pollTimeout(Duration.ofMillis(50)).connectTimeout(Duration.ofSeconds(3)).closeTimeout(Duration.ofSeconds(2));
        List<Delivery<ConsumerRecord<String, String>>> got = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Disposable run = ConsumerLoop.deliveries("lost", options, StringDeserializer::new, StringDeserializer::new,
                        Schedulers.parallel(), OutsideARun.CONTEXT)
                .doOnNext(TestDeliveries::stored)
                .subscribe(got::add, error::set);
        try {
            Topics.await("5 records", Duration.ofSeconds(90), () -> got.size() == 5);
            BROKER.stop();
            Topics.await("the source's error", Duration.ofSeconds(90), () -> error.get() != null);
        } finally {
            run.dispose();
        }
        assertThat(error.get()).isInstanceOf(KafkaUnavailableException.class)
                .hasMessageContaining("lost the connection")
                .hasMessageContaining(BROKER.bootstrapServers())
                .hasMessageContaining("topic lost");
    }
}
