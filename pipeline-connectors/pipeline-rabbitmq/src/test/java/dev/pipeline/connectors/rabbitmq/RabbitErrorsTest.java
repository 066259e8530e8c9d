package dev.pipeline.connectors.rabbitmq;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Typed errors that name the broker and never show the password; no broker needed. */
class RabbitErrorsTest {

    private static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionNamesHostPortVhostAndQueueButNotThePassword() throws IOException {
        int port = unusedPort();
        String uri = "amqp://alice:s3cret@127.0.0.1:" + port + "/sales";
        StepVerifier.create(RabbitSources.queue("work", uri, "orders", ConsumeOptions.defaults()).flux())
                .expectErrorSatisfies(e -> {
                    RabbitException r = (RabbitException) e;
                    assertThat(r).hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("vhost 'sales'")
                            .hasMessageContaining("queue 'orders'").hasMessageContaining("cannot connect")
                            .hasMessageContaining("alice:***").hasMessageNotContaining("s3cret");
                    assertThat(r.broker()).isEqualTo("127.0.0.1:" + port);
                    assertThat(r.virtualHost()).isEqualTo("sales");
                    assertThat(r.target()).isEqualTo("queue 'orders'");
                })
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void aRefusedConnectionFailsTheSinkNamingTheExchange() throws IOException {
        int port = unusedPort();
        String uri = "amqp://bob:hunter2@127.0.0.1:" + port;
        StepVerifier.create(dev.pipeline.core.Pipeline.from(dev.pipeline.core.Source.of("items", reactor.core.publisher.Flux.just("a")))
                        .to(RabbitSinks.publish("out", uri, "events", s -> "k", String::getBytes, PublishOptions.defaults())).run())
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("127.0.0.1:" + port)
                        .hasStackTraceContaining("exchange 'events'").hasStackTraceContaining("bob:***"))
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void aMalformedUriIsRefusedAtOnceWithThePasswordMasked() {
        assertThatThrownBy(() -> RabbitSources.queue("work", "http://carol:pw123@host/", "q", ConsumeOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an AMQP URI").hasMessageContaining("carol:***").hasMessageNotContaining("pw123");
    }

    @Test
    void optionsValidateAtTheBoundary() {
        assertThatThrownBy(() -> ConsumeOptions.defaults().prefetch(0)).hasMessage("prefetch must be > 0, was 0");
        assertThatThrownBy(() -> ConsumeOptions.defaults().prefetch(70_000)).hasMessageContaining("65535");
        assertThatThrownBy(() -> PublishOptions.defaults().maxInFlight(-1)).hasMessage("maxInFlight must be > 0, was -1");
        assertThatThrownBy(() -> PublishOptions.defaults().confirmTimeout(Duration.ZERO)).hasMessageContaining("confirmTimeout");
        assertThat(ConsumeOptions.defaults().prefetch(7).deadLetters(DeadLetters.REJECT).prefetch()).isEqualTo(7);
    }
}
