package dev.pipeline.core.aio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * {@code asyncio.as_completed}: subscribes to every source at once and emits each value as it
 * arrives. With a concurrency cap, at most that many sources are running or holding a value not
 * yet emitted: a slot is freed when its value goes downstream, as {@code flatMap}'s is. Unlike {@code Flux.merge} with a concurrency of n, whose drain loop scans every
 * active inner, each arrival here costs O(1). At most one value per source is ever held, so
 * the buffer is bounded by the number of sources.
 */
public final class AsCompletedFlux extends Flux<Object> {

    private final reactor.core.publisher.Mono<?>[] sources;
    private final int concurrency;

    /** @param concurrency how many sources may be running or holding a value at once ({@code Integer.MAX_VALUE}: all) */
    public AsCompletedFlux(reactor.core.publisher.Mono<?>[] sources, int concurrency) {
        this.sources = sources;
        this.concurrency = concurrency;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        Coordinator c = new Coordinator(actual, sources, concurrency);
        actual.onSubscribe(c);
        c.start();
    }

    static final class Coordinator implements Subscription, SubscriptionWindow.Owner {
        private static final VarHandle REQUESTED;
        private static final VarHandle WIP;
        private static final VarHandle REMAINING;
        private static final VarHandle ERROR;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                REQUESTED = l.findVarHandle(Coordinator.class, "requested", long.class);
                WIP = l.findVarHandle(Coordinator.class, "wip", int.class);
                REMAINING = l.findVarHandle(Coordinator.class, "remaining", int.class);
                ERROR = l.findVarHandle(Coordinator.class, "error", Throwable.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CoreSubscriber<? super Object> actual;
        private final reactor.core.publisher.Mono<?>[] sources;
        private final SubscriptionWindow window;
        private final Inner[] inners;
        private final Queue<Object> results = Queues.unboundedMultiproducer().get();
        private volatile long requested;
        private volatile int wip;
        private volatile int remaining;
        private volatile Throwable error;
        volatile boolean cancelled;
        private boolean terminated;

        Coordinator(CoreSubscriber<? super Object> actual, reactor.core.publisher.Mono<?>[] sources, int concurrency) {
            this.actual = actual;
            this.sources = sources;
            this.inners = new Inner[sources.length];
            this.remaining = sources.length;
            this.window = new SubscriptionWindow(this, sources.length, concurrency);
        }

        void start() {
            if (sources.length == 0) {
                drain();
                return;
            }
            window.drain();
        }

        @Override
        public boolean stopped() {
            return cancelled || error != null;
        }

        @Override
        public void subscribeAt(int i) {
            Inner inner = new Inner(this, i);
            inners[i] = inner;
            sources[i].subscribe(inner);
        }

        void innerValue(Object v) {
            results.offer(v);
            REMAINING.getAndAdd(this, -1);
            drain();
        }

        void innerError(Throwable e) {
            if (ERROR.compareAndSet(this, null, e)) {
                cancelAll();
                drain();
            } else {
                Operators.onErrorDropped(e, actual.currentContext());
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                innerError(Exceptions.nullOrNegativeRequestException(n));
                return;
            }
            Subscriptions.addCap(REQUESTED, this, n);
            drain();
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                cancelAll();
                if ((int) WIP.getAndAdd(this, 1) == 0) {
                    results.clear();
                }
            }
        }

        boolean failed() {
            return error != null;
        }

        private void cancelAll() {
            for (Inner inner : inners) {
                if (inner != null) {
                    inner.cancel();
                }
            }
        }

        private void drain() {
            if ((int) WIP.getAndAdd(this, 1) != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                if (terminated) {
                    return;
                }
                long r = requested;
                long e = 0L;
                for (;;) {
                    if (cancelled) {
                        results.clear();
                        return;
                    }
                    Throwable ex = error;
                    if (ex != null) {
                        results.clear();
                        terminated = true;
                        actual.onError(ex);
                        return;
                    }
                    boolean allArrived = remaining == 0;
                    if (e == r) {
                        if (allArrived && results.isEmpty()) {
                            terminated = true;
                            actual.onComplete();
                            return;
                        }
                        break;
                    }
                    Object v = results.poll();
                    if (v == null) {
                        if (allArrived) {
                            terminated = true;
                            actual.onComplete();
                            return;
                        }
                        break;
                    }
                    actual.onNext(v);
                    e++;
                    window.release(); // its value is out: the slot is free
                }
                if (e != 0L && r != Long.MAX_VALUE) {
                    REQUESTED.getAndAdd(this, -e);
                }
                missed = (int) WIP.getAndAdd(this, -missed) - missed;
                if (missed == 0) {
                    return;
                }
            }
        }
    }

    static final class Inner implements CoreSubscriber<Object> {
        private static final VarHandle UPSTREAM;

        static {
            try {
                UPSTREAM = MethodHandles.lookup().findVarHandle(Inner.class, "upstream", Subscription.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Coordinator parent;
        private final int index;
        private volatile Subscription upstream;
        private Object value;
        private boolean terminated;

        Inner(Coordinator parent, int index) {
            this.parent = parent;
            this.index = index;
        }

        @Override
        public Context currentContext() {
            return parent.actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Subscriptions.setOnce(UPSTREAM, this, s)) {
                if (parent.cancelled || parent.failed()) {
                    cancel();
                } else {
                    s.request(Long.MAX_VALUE);
                }
            }
        }

        @Override
        public void onNext(Object t) {
            if (terminated || value != null) {
                Operators.onNextDropped(t, currentContext());
                return;
            }
            value = t;
        }

        @Override
        public void onError(Throwable e) {
            if (terminated) {
                Operators.onErrorDropped(e, currentContext());
                return;
            }
            terminated = true;
            parent.innerError(e);
        }

        @Override
        public void onComplete() {
            if (terminated) {
                return;
            }
            terminated = true;
            Object v = value;
            value = null;
            if (v == null) {
                parent.innerError(GatherMono.emptyAt("asCompleted", index));
            } else {
                parent.innerValue(v);
            }
        }

        void cancel() {
            Subscriptions.terminate(UPSTREAM, this);
        }
    }
}
