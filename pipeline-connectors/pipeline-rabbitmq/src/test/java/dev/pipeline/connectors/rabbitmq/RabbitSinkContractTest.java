package dev.pipeline.connectors.rabbitmq;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import dev.pipeline.test.SinkContract;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The sink contract for {@link RabbitSinks#toQueue}: released means no publisher connection left on the broker. */
class RabbitSinkContractTest implements SinkContract<String> {

    private static final int MAX_IN_FLIGHT = 32;

    private TestBroker broker;
    private String queue;

    @BeforeEach
    void open() {
        broker = TestBroker.open();
        queue = broker.queue("sink-contract");
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Override
    public Function<Flux<String>, Mono<?>> sink() {
        return items -> Pipeline.from(Source.of("items", items))
                .to(RabbitSinks.toQueue("publish", TestBroker.URI, queue, s -> s.getBytes(StandardCharsets.UTF_8),
                        PublishOptions.defaults().maxInFlight(MAX_IN_FLIGHT)))
                .run();
    }

    @Override
    public String item(int i) {
        return "item-" + i;
    }

    @Override
    public Mono<Boolean> released() {
        return TestBroker.eventually(() -> TestBroker.connectorsClosed());
    }

    @Override
    public long maxOutstandingDemand() {
        return MAX_IN_FLIGHT + 256L;
    }
}
