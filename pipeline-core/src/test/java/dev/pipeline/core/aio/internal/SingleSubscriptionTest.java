package dev.pipeline.core.aio.internal;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.test.util.RaceTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

class SingleSubscriptionTest {

    /** Counts the terminal signals it gets. */
    private static final class Terminals implements CoreSubscriber<String> {
        final AtomicInteger terminals = new AtomicInteger();

        @Override
        public void onSubscribe(Subscription s) {
        }

        @Override
        public void onNext(String s) {
        }

        @Override
        public void onError(Throwable t) {
            terminals.incrementAndGet();
        }

        @Override
        public void onComplete() {
            terminals.incrementAndGet();
        }
    }

    private static final class Single extends SingleSubscription<String> {
        Single(CoreSubscriber<? super String> actual) {
            super(actual);
        }

        void completeNow(String v) {
            complete(v);
        }

        @Override
        protected void onCancel() {
        }
    }

    /** Rule 1.7: a non-positive request racing the completion (or another one) ends the subscriber once, not twice. */
    @Test
    void aNonPositiveRequestRacingACompletionSignalsOneTerminalOnly() {
        for (int i = 0; i < 20_000; i++) {
            Terminals t = new Terminals();
            Single s = new Single(t);
            RaceTestUtils.race(() -> s.request(-1), () -> s.completeNow(null));
            assertThat(t.terminals).as("round %d", i).hasValue(1);

            Terminals t2 = new Terminals();
            Single s2 = new Single(t2);
            RaceTestUtils.race(() -> s2.request(0), () -> s2.request(-1));
            assertThat(t2.terminals).as("round %d", i).hasValue(1);
        }
    }
}
