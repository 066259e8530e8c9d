package dev.pipeline.core;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves BlockHound is installed in the test JVM, so a blocking call on a non-blocking thread fails a test. */
class BlockHoundInstalledTest {

    @Test
    void aBlockingCallOnAParallelThreadFails() {
        // the blocking call is the subject under test here, not a wait for async work
        Mono<Integer> blocking = Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.parallel());
        StepVerifier.create(blocking)
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(BlockingOperationError.class)
                        .hasMessageContaining("java.lang.Thread.sleep"))
                .verify();
    }

    @Test
    void theSameCallOnBoundedElasticIsAllowed() {
        Mono<Integer> blocking = Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.boundedElastic());
        StepVerifier.create(blocking).expectNext(1).verifyComplete();
    }
}
