package dev.pipeline.test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;

import static dev.pipeline.test.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RacesTest {

    @Test
    void everyThreadRunsItsBodyAtOnce() throws Exception {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(8);
        Races.run(8, t -> {
            all.countDown();
            // released together by the barrier: all eight are running at once
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 1000; i++) {
                seen.add(t * 1000 + i);
            }
        });
        assertThat(seen).hasSize(8000);
    }

    @Test
    void manyRunsOfOnePipelineAtOnceEachAccountForTheirItems() throws Exception {
        // tag::races[]
        Pipeline<List<Integer>> p = Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3))).to(Sink.collect("out"));
        Races.run(4, thread -> {
            for (int i = 0; i < 25; i++) {
                PipelineReport<List<Integer>> report = p.run().block(Duration.ofSeconds(30));
                assertThat(report).completed().reconciles().hasResult(List.of(1, 2, 3));
            }
        });
        // end::races[]
    }

    @Test
    void aFailingBodyFailsTheRunWithItsOwnException() {
        assertThatThrownBy(() -> Races.run(3, t -> {
            if (t == 1) {
                throw new IllegalStateException("thread 1 broke");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("thread 1 broke");
    }

    @Test
    void threadsThatDoNotFinishInTimeFailTheRun() {
        assertThatThrownBy(() -> Races.run(2, Duration.ofMillis(200), t -> new CountDownLatch(1).await()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("did not finish within PT0.2S");
    }

    @Test
    void anErrorOfABodyIsRethrownAsItIs() {
        // an assertion failing inside a body is the test's real message: not wrapped
        assertThatThrownBy(() -> Races.run(2, t -> {
            if (t == 0) {
                throw new AssertionError("thread 0 saw 3 items, expected 4");
            }
        })).isExactlyInstanceOf(AssertionError.class).hasMessage("thread 0 saw 3 items, expected 4");
    }

    @Test
    void threadsThatDoNotStopAreAddedToTheBodysFailureNotInItsPlace() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stubbornStarted = new CountDownLatch(1);
        try {
            assertThatThrownBy(() -> Races.run(2, Duration.ofSeconds(60), Duration.ofMillis(100), t -> {
                if (t == 0) {
                    assertThat(stubbornStarted.await(30, TimeUnit.SECONDS)).isTrue();
                    throw new java.io.IOException("thread 0 broke");
                }
                stubbornStarted.countDown();
                while (true) { // ignores the interrupt until released
                    try {
                        if (release.await(30, TimeUnit.SECONDS)) {
                            return;
                        }
                    } catch (InterruptedException ignored) {
                        // keep running
                    }
                }
            }))
                    .isInstanceOf(java.io.IOException.class).hasMessage("thread 0 broke")
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                            .isInstanceOf(IllegalStateException.class)
                            .extracting(Throwable::getMessage).asString()
                            .contains("did not stop within PT0.1S"));
        } finally {
            release.countDown();
        }
    }
}
