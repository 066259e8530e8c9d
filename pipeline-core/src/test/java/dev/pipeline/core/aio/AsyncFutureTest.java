package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsyncFutureTest {

    @Test
    void setResultWakesEveryAwaiterAndLaterAwaitersSeeItAtOnce() {
        AsyncFuture<String> f = AsyncFuture.create();
        List<String> seen = new ArrayList<>();
        f.mono().subscribe(seen::add);
        f.mono().subscribe(seen::add);
        assertThat(f.isDone()).isFalse();
        f.setResult("pong");
        assertThat(seen).containsExactly("pong", "pong");
        StepVerifier.create(f.mono()).expectNext("pong").verifyComplete();
        assertThat(f.isDone()).isTrue();
    }

    @Test
    void settingADoneFutureThrows() {
        AsyncFuture<String> f = AsyncFuture.create();
        f.setResult("a");
        assertThatThrownBy(() -> f.setResult("b"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already done (succeeded)");
        assertThatThrownBy(() -> f.setException(new RuntimeException()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(f.cancel()).isFalse();
    }

    @Test
    void setExceptionFailsAwaiters() {
        AsyncFuture<String> f = AsyncFuture.create();
        f.setException(new IllegalStateException("nope"));
        StepVerifier.create(f.mono()).expectErrorMessage("nope").verify();
    }

    @Test
    void cancelFailsAwaitersWithCancellation() {
        AsyncFuture<String> f = AsyncFuture.create();
        StepVerifier.create(f.mono())
                .expectSubscription()
                .then(() -> assertThat(f.cancel()).isTrue())
                .expectError(CancellationException.class)
                .verify();
        assertThat(f.isCancelled()).isTrue();
    }

    @Test
    void aCancelledAwaiterDoesNotAffectTheOthers() {
        AsyncFuture<Integer> f = AsyncFuture.create();
        Disposable gone = f.mono().subscribe();
        List<Integer> seen = new ArrayList<>();
        f.mono().subscribe(seen::add);
        gone.dispose();
        f.setResult(7);
        assertThat(seen).containsExactly(7);
        assertThat(f.toString()).contains("succeeded").contains("awaiters=0");
    }

    @Test
    void aNullResultCompletesEmpty() {
        AsyncFuture<Void> f = AsyncFuture.create();
        f.setResult(null);
        StepVerifier.create(f.mono()).verifyComplete();
    }
}
