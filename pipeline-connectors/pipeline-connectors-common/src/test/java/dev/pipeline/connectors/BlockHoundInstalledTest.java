package dev.pipeline.connectors;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The connector tests run with BlockHound: blocking on a non-blocking thread fails. */
class BlockHoundInstalledTest {

    @Test
    void blockingOnAParallelThreadFails() {
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "slept";
                }).subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("Blocking call"))
                .verify(Duration.ofSeconds(10));
    }
}
