package dev.pipeline.core.engine;

import dev.pipeline.core.internal.Ticker;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;

/**
 * Times one call: from subscription to its first signal (value, empty or error), added to a
 * node's busy time. It requests the value at once and holds it until downstream asks, so the
 * time measured is the call's own, never the wait for downstream demand (a Mono that emits
 * only once requested would otherwise count the time the next stage was busy).
 */
public final class TimedMono<T> extends MonoOperator<T, T> {

    private final Cell cell;
    private final Ticker ticker;

    public TimedMono(Mono<? extends T> call, Cell cell, Ticker ticker) {
        super(call);
        this.cell = cell;
        this.ticker = ticker;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Timed<>(actual, cell, ticker, ticker.nanos()));
    }

    private static final class Timed<T> extends Operators.MonoSubscriber<T, T> {
        private final Cell cell;
        private final Ticker ticker;
        private final long start;
        private Subscription upstream;
        private boolean done;

        Timed(CoreSubscriber<? super T> actual, Cell cell, Ticker ticker, long start) {
            super(actual);
            this.cell = cell;
            this.ticker = ticker;
            this.start = start;
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
                s.request(Long.MAX_VALUE);
            }
        }

        private boolean end() {
            if (done) {
                return false;
            }
            done = true;
            cell.busy(ticker.nanos() - start);
            return true;
        }

        @Override
        public void onNext(T t) {
            if (!end()) {
                Operators.onNextDropped(t, actual.currentContext());
                return;
            }
            complete(t);
        }

        @Override
        public void onError(Throwable e) {
            if (!end()) {
                Operators.onErrorDropped(e, actual.currentContext());
                return;
            }
            actual.onError(e);
        }

        @Override
        public void onComplete() {
            if (end()) {
                actual.onComplete();
            }
        }

        @Override
        public void cancel() {
            super.cancel();
            upstream.cancel();
        }
    }
}
