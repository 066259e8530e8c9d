package dev.pipeline.connectors.rabbitmq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The confirming sink against the real broker. */
class RabbitSinksTest {

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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyItemIsInTheQueueOnceTheRunCompletes() {
        String queue = broker.queue("sink");
        // tag::sink[]
        PipelineReport<Long> report = Pipeline.from(Source.of("items", Flux.range(0, 3000).map(i -> "item-" + i)))
                .to(RabbitSinks.toQueue("publish", TestBroker.URI, queue, RabbitSinksTest::utf8,
                        PublishOptions.defaults().maxInFlight(64)))
                .run().block(TIMEOUT);
        // end::sink[]
        assertThat(report.result()).contains(3000L);
        // confirmed means stored: the queue holds every one, right as the run completes
        assertThat(broker.ready(queue)).isEqualTo(3000);
        Set<String> got = new HashSet<>();
        for (String m = broker.get(queue); m != null; m = broker.get(queue)) {
            got.add(m);
        }
        assertThat(got).hasSize(3000).contains("item-0", "item-2999");
    }

    @Test
    void aMessageNoQueueTakesFailsItsItemNamingTheExchangeAndRoutingKey() {
        String queue = broker.queue("routed");
        String missing = "no-such-queue-" + System.nanoTime();
        PipelineReport<Long> report = Pipeline.from(Source.of("items", Flux.just("a", "b", "c", "d")))
                .to(RabbitSinks.<String>publish("publish", TestBroker.URI, "", s -> s.equals("c") ? missing : queue,
                        RabbitSinksTest::utf8, PublishOptions.defaults()).onError(ErrorPolicy.skip()))
                .run().block(TIMEOUT);
        assertThat(report.result()).contains(3L);
        assertThat(report.stage("publish").skipped()).isEqualTo(1);
        assertThat(broker.ready(queue)).isEqualTo(3);
    }

    @Test
    void underFailFastAReturnedMessageFailsTheRunWithATypedError() {
        String missing = "no-such-queue-" + System.nanoTime();
        StepVerifier.create(Pipeline.from(Source.of("items", Flux.just("a")))
                        .to(RabbitSinks.toQueue("publish", TestBroker.URI, missing, RabbitSinksTest::utf8, PublishOptions.defaults()))
                        .run())
                .expectErrorSatisfies(e -> assertThat(e).hasRootCauseInstanceOf(RabbitRejectedException.class)
                        .hasStackTraceContaining("routing key '" + missing + "'").hasStackTraceContaining("NO_ROUTE")
                        .hasStackTraceContaining("127.0.0.1:5672"))
                .verify(TIMEOUT);
    }
}
