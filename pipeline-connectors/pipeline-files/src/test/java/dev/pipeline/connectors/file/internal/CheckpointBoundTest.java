package dev.pipeline.connectors.file.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** A checkpoint keeps what it holds bounded: positions are trimmed as the mark moves, and the source waits at the bound. */
class CheckpointBoundTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Checkpoint open(int maxUnsettled) {
        return Checkpoint.open(dir.resolve("x.checkpoint"), dir.resolve("x.txt"), Schedulers.immediate(),
                Duration.ofHours(1), maxUnsettled);
    }

    @Test
    void positionsAreTrimmedAsRecordsSettleNotOnlyWhenTheStateIsWritten() {
        Checkpoint cp = open(10_000);
        try {
            for (int i = 0; i < 50_000; i++) {
                long n = cp.track(i * 10L + 10, i + 1);
                cp.settle(n);
            }
            // no state() was asked for (the write is an hour away): settling alone trimmed them
            assertThat(cp.kept()).isLessThanOrEqualTo(1);
            assertThat(cp.unsettled()).isZero();
            assertThat(cp.state().position()).isEqualTo(500_000);
        } finally {
            cp.close();
        }
    }

    @Test
    void theSourceWaitsAtTheBoundBehindOneUnsettledRecordAndGoesOnWhenItSettles() {
        Checkpoint cp = open(100);
        try {
            long held = cp.track(10, 1);
            for (int i = 1; i < 100; i++) {
                assertThat(cp.hasRoom()).isTrue();
                cp.settle(cp.track(10L * (i + 1), i + 1));
            }
            // 1 in flight + 99 settled behind its gap = the bound
            assertThat(cp.unsettled()).isEqualTo(100);
            assertThat(cp.hasRoom()).isFalse();
            assertThat(cp.kept()).isEqualTo(100);
            AtomicBoolean resumed = new AtomicBoolean();
            cp.room().doOnSuccess(v -> resumed.set(true))
                    .as(StepVerifier::create)
                    .expectSubscription()
                    .then(() -> assertThat(resumed).as("no room at the bound").isFalse())
                    .then(() -> cp.settle(held))
                    .expectComplete()
                    .verify(WAIT);
            assertThat(cp.unsettled()).isZero();
            assertThat(cp.hasRoom()).isTrue();
            assertThat(cp.kept()).isEqualTo(1);
            assertThat(cp.state().records()).isEqualTo(100);
        } finally {
            cp.close();
        }
    }
}
