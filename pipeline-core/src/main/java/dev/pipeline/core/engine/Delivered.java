package dev.pipeline.core.engine;

import dev.pipeline.core.Settlement;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The end of a run whose items go to the caller's subscriber ({@code toFlux()}) rather than to
 * a sink: each item is handed on as its value and settled as {@link Settlement#STORED} once
 * the subscriber's {@code onNext} has returned.
 */
final class Delivered {

    private Delivered() {
    }

    static Flux<Object> toSubscriber(Flux<Object> items) {
        return items.transform(Operators.<Object, Object>lift((scannable, actual) -> new CoreSubscriber<>() {
            @Override
            public Context currentContext() {
                return actual.currentContext();
            }

            @Override
            public void onSubscribe(Subscription s) {
                // not the upstream's own subscription: a fusing downstream would poll tracked items past onNext
                actual.onSubscribe(new Subscription() {
                    @Override
                    public void request(long n) {
                        s.request(n);
                    }

                    @Override
                    public void cancel() {
                        s.cancel();
                    }
                });
            }

            @Override
            public void onNext(Object item) {
                if (item instanceof Tracked t) {
                    actual.onNext(t.value);
                    t.ticket.release(Settlement.STORED);
                } else {
                    actual.onNext(item);
                }
            }

            @Override
            public void onError(Throwable e) {
                actual.onError(e);
            }

            @Override
            public void onComplete() {
                actual.onComplete();
            }
        }));
    }
}
