package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class AsyncEventTest {

    @Test
    void setWakesEveryWaiterInOrder() {
        AsyncEvent event = AsyncEvent.create();
        List<Integer> woken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            event.awaitSet().subscribe(null, null, () -> woken.add(n));
        }
        assertThat(event.waitingCount()).isEqualTo(3);
        event.set();
        assertThat(woken).containsExactly(0, 1, 2);
        assertThat(event.waitingCount()).isZero();
    }

    @Test
    void awaitSetCompletesAtOnceWhileSetAndWaitsAgainAfterClear() {
        AsyncEvent event = AsyncEvent.create();
        event.set();
        assertThat(event.isSet()).isTrue();
        StepVerifier.create(event.awaitSet()).verifyComplete();
        event.clear();
        assertThat(event.isSet()).isFalse();
        List<String> woken = new ArrayList<>();
        event.awaitSet().subscribe(null, null, () -> woken.add("again"));
        assertThat(woken).isEmpty();
        event.set();
        assertThat(woken).containsExactly("again");
    }

    @Test
    void aCancelledWaiterIsRemoved() {
        AsyncEvent event = AsyncEvent.create();
        Disposable d = event.awaitSet().subscribe();
        d.dispose();
        assertThat(event.waitingCount()).isZero();
    }
}
