package dev.pipeline.core.aio.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import dev.pipeline.core.aio.Outcome;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * {@code asyncio.gather}: subscribes to every source at once (or at most {@code concurrency}
 * at a time, in argument order, through a {@link SubscriptionWindow}) and emits their values in
 * argument order. Each completion costs O(1) (one counter decrement), whatever the number of
 * sources. In plain mode the first failure cancels the others; in settled mode every source
 * runs to the end and the list holds an {@link Outcome} per source.
 *
 * <p>A gathered {@link SleepMono} is started without a subscriber between it and the
 * coordinator (a {@link GatheredSleep} is both the sleep and the slot), which halves what a
 * gather of a million sleeps keeps alive while they sleep. Such a sleep runs no user code, so
 * nothing is lost by Reactor's subscribe-time hooks not seeing it.
 */
public final class GatherMono extends Mono<List<Object>> {

    private final Mono<?>[] sources;
    private final boolean settled;
    private final int concurrency;

    /** @param concurrency how many sources may be subscribed at once ({@code Integer.MAX_VALUE}: all) */
    public GatherMono(Mono<?>[] sources, boolean settled, int concurrency) {
        this.sources = sources;
        this.settled = settled;
        this.concurrency = concurrency;
    }

    /** The error for a source that completed without a value. */
    public static NoSuchElementException emptyAt(String operator, int index) {
        return new NoSuchElementException(operator + ": the Mono at index " + index + " completed without a value; "
                + "every gathered coroutine must produce one (use Mono<Optional<T>> for an absent value)");
    }

    @Override
    public void subscribe(CoreSubscriber<? super List<Object>> actual) {
        int n = sources.length;
        if (n == 0) {
            Operators.MonoSubscriber<List<Object>, List<Object>> s = new Operators.MonoSubscriber<>(actual);
            actual.onSubscribe(s);
            s.complete(Collections.emptyList());
            return;
        }
        Coordinator c = new Coordinator(actual, sources, settled, concurrency);
        actual.onSubscribe(c);
        c.window.drain();
    }

    static final class Coordinator extends SingleSubscription<List<Object>> implements SubscriptionWindow.Owner {
        // updaters, not VarHandles: see the package comment on the first-use path
        private static final AtomicIntegerFieldUpdater<Coordinator> REMAINING =
                AtomicIntegerFieldUpdater.newUpdater(Coordinator.class, "remaining");
        private static final AtomicIntegerFieldUpdater<Coordinator> DONE =
                AtomicIntegerFieldUpdater.newUpdater(Coordinator.class, "done");

        private final boolean settled;
        private final Mono<?>[] sources;
        final SubscriptionWindow window;
        private final Slot[] inners;
        private final Object[] values;
        private volatile int remaining;
        /** 1 once failed or cancelled: stop subscribing, cancel late subscribers (see {@link #stopped()}). */
        private volatile int done;

        Coordinator(CoreSubscriber<? super List<Object>> actual, Mono<?>[] sources, boolean settled, int concurrency) {
            super(actual);
            int n = sources.length;
            this.settled = settled;
            this.sources = sources;
            this.inners = new Slot[n];
            this.values = new Object[n];
            this.remaining = n;
            this.window = new SubscriptionWindow(this, n, concurrency);
        }

        /** Whether the gather has failed or been cancelled. */
        @Override
        public boolean stopped() {
            return done != 0;
        }

        @Override
        public void subscribeAt(int i) {
            Mono<?> source = sources[i];
            if (source instanceof SleepMono) {
                GatheredSleep sleep = new GatheredSleep(this, i);
                inners[i] = sleep;
                ((SleepMono<?>) source).start(sleep);
                if (done != 0 && !settled) {
                    sleep.cancel();
                }
                return;
            }
            Inner inner = new Inner(this, i);
            inners[i] = inner;
            source.subscribe(inner);
        }

        /** The value of the sleep at {@code index} (a {@link GatheredSleep}'s source). */
        Object sleepResult(int index) {
            return ((SleepMono<?>) sources[index]).result();
        }

        void innerValue(int index, Object v) {
            values[index] = settled ? Outcome.success(v) : v;
            if (REMAINING.getAndDecrement(this) == 1) {
                complete(Collections.unmodifiableList(Arrays.asList(values)));
            } else {
                window.release();
            }
        }

        void innerError(int index, Throwable e) {
            if (settled) {
                values[index] = Outcome.failure(e);
                if (REMAINING.getAndDecrement(this) == 1) {
                    complete(Collections.unmodifiableList(Arrays.asList(values)));
                } else {
                    window.release();
                }
                return;
            }
            if (DONE.compareAndSet(this, 0, 1)) {
                cancelAll(index);
                error(e);
            } else {
                Operators.onErrorDropped(e, actual.currentContext());
            }
        }

        private void cancelAll(int except) {
            for (int i = 0; i < inners.length; i++) {
                Slot inner = inners[i];
                if (inner != null && i != except) {
                    inner.cancel();
                }
            }
        }

        @Override
        protected void onCancel() {
            done = 1;
            cancelAll(-1);
        }
    }

    /** What the coordinator cancels: a subscriber, or a sleep started without one. */
    interface Slot {
        void cancel();
    }

    /** A gathered sleep: delivers straight to the coordinator, always with demand. */
    static final class GatheredSleep extends SleepMono.Sleep implements Slot {
        private final Coordinator parent;
        private final int index;

        GatheredSleep(Coordinator parent, int index) {
            this.parent = parent;
            this.index = index;
        }

        @Override
        boolean needsDemand() {
            return false; // the gather always has demand: the value is delivered as soon as it is due
        }

        @Override
        void deliver(Throwable rejected) {
            if (rejected != null) {
                parent.innerError(index, rejection(rejected, parent.actual));
                return;
            }
            Object v = parent.sleepResult(index);
            if (v != null) {
                parent.innerValue(index, v);
            } else if (!parent.stopped() || parent.settled) {
                parent.innerError(index, emptyAt(parent.settled ? "gatherSettled" : "gather", index));
            }
        }

        @Override
        public void cancel() {
            cancelled();
        }
    }

    static final class Inner implements CoreSubscriber<Object>, Slot {
        private static final AtomicReferenceFieldUpdater<Inner, Subscription> UPSTREAM =
                AtomicReferenceFieldUpdater.newUpdater(Inner.class, Subscription.class, "upstream");

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
            if (Operators.setOnce(UPSTREAM, this, s)) {
                if (parent.stopped() && !parent.settled) {
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
            value = null;
            parent.innerError(index, e);
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
                if (parent.stopped() && !parent.settled) {
                    return; // the gather already failed or was cancelled; nothing to report
                }
                parent.innerError(index, emptyAt(parent.settled ? "gatherSettled" : "gather", index));
            } else {
                parent.innerValue(index, v);
            }
        }

        @Override
        public void cancel() {
            Operators.terminate(UPSTREAM, this);
        }
    }
}
