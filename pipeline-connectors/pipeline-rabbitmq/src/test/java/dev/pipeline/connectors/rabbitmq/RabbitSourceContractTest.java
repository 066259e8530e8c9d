package dev.pipeline.connectors.rabbitmq;

import dev.pipeline.test.SourceContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The source contract for {@link RabbitSources#queue}, taking the first messages of a queue of
 * ten (unacknowledged outside an acknowledging run, so a second subscription sees them again,
 * in order); released means the queue has no consumer and no connection is left.
 */
class RabbitSourceContractTest implements SourceContract<String> {

    private TestBroker broker;
    private String queue;

    @BeforeEach
    void open() {
        broker = TestBroker.open();
        queue = broker.queue("source-contract");
        broker.publish(queue, 10);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Override
    public Flux<String> subject() {
        return RabbitSources.queue("work", TestBroker.URI, queue, ConsumeOptions.defaults().prefetch(4)).flux()
                .map(RabbitMessage::text).take(3);
    }

    @Override
    public Flux<String> failingSubject() {
        return RabbitSources.queue("work", TestBroker.URI, queue + "-missing", ConsumeOptions.defaults()).flux().map(RabbitMessage::text);
    }

    @Override
    public Mono<Boolean> released() {
        return TestBroker.eventually(() -> broker.consumers(queue) == 0 && TestBroker.connectorsClosed());
    }
}
