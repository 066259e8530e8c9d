package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsyncBarrierTest {

    @Test
    void releasesEveryPartyTogetherWithTheirArrivalIndex() {
        AsyncBarrier barrier = AsyncBarrier.of(3);
        List<Integer> released = new ArrayList<>();
        barrier.arrive().subscribe(released::add);
        barrier.arrive().subscribe(released::add);
        assertThat(released).isEmpty();
        assertThat(barrier.waitingCount()).isEqualTo(2);
        barrier.arrive().subscribe(released::add);
        assertThat(released).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(barrier.waitingCount()).isZero();
    }

    @Test
    void isReusableForTheNextRound() {
        AsyncBarrier barrier = AsyncBarrier.of(2);
        for (int round = 0; round < 3; round++) {
            List<Integer> released = new ArrayList<>();
            barrier.arrive().subscribe(released::add);
            barrier.arrive().subscribe(released::add);
            assertThat(released).as("round " + round).containsExactlyInAnyOrder(0, 1);
        }
    }

    @Test
    void aCancelledArrivalIsWithdrawn() {
        AsyncBarrier barrier = AsyncBarrier.of(2);
        Disposable d = barrier.arrive().subscribe();
        d.dispose();
        assertThat(barrier.waitingCount()).isZero();
        List<Integer> released = new ArrayList<>();
        barrier.arrive().subscribe(released::add);
        assertThat(released).as("still needs a second party").isEmpty();
    }

    @Test
    void abortBreaksTheBarrierUntilReset() {
        AsyncBarrier barrier = AsyncBarrier.of(2);
        StepVerifier.create(barrier.arrive())
                .expectSubscription()
                .then(barrier::abort)
                .expectError(BrokenBarrierException.class)
                .verify();
        assertThat(barrier.isBroken()).isTrue();
        StepVerifier.create(barrier.arrive()).expectErrorMessage("AsyncBarrier is broken; reset() it before reuse").verify();
        barrier.reset();
        assertThat(barrier.isBroken()).isFalse();
        List<Integer> released = new ArrayList<>();
        barrier.arrive().subscribe(released::add);
        barrier.arrive().subscribe(released::add);
        assertThat(released).hasSize(2);
    }

    @Test
    void resetFailsThePartiesWaiting() {
        AsyncBarrier barrier = AsyncBarrier.of(3);
        StepVerifier.create(barrier.arrive())
                .expectSubscription()
                .then(barrier::reset)
                .expectErrorMessage("AsyncBarrier was reset while waiting")
                .verify();
    }

    @Test
    void needsAtLeastOneParty() {
        assertThatThrownBy(() -> AsyncBarrier.of(0)).hasMessage("parties must be > 0, was 0");
    }
}
