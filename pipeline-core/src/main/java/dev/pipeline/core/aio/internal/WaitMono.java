package dev.pipeline.core.aio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

import dev.pipeline.core.aio.ReturnWhen;
import dev.pipeline.core.aio.Task;
import dev.pipeline.core.aio.WaitResult;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * {@code asyncio.wait}: watches tasks through done callbacks, as asyncio's {@code _wait} does,
 * and emits which are done and which are pending once {@link ReturnWhen} is met or the timeout
 * expires. It never cancels a task: on timeout, on cancel and on return it only removes its
 * callbacks. Each completion costs O(1); the result is a snapshot taken when the wait returns.
 *
 * @param <K> the task type
 */
public final class WaitMono<K extends Task<?>> extends Mono<WaitResult<K>> {

    private final List<K> tasks;
    private final ReturnWhen returnWhen;
    /** The timeout, or -1 for none. */
    private final long timeoutNanos;
    private final Scheduler scheduler;

    /**
     * @param tasks distinct tasks, at least one, in argument order
     * @param timeoutNanos the timeout ({@code <= 0}: what is done now), or -1 for none
     */
    public WaitMono(List<K> tasks, ReturnWhen returnWhen, long timeoutNanos, Scheduler scheduler) {
        this.tasks = tasks;
        this.returnWhen = returnWhen;
        this.timeoutNanos = timeoutNanos;
        this.scheduler = scheduler;
    }

    @Override
    public void subscribe(CoreSubscriber<? super WaitResult<K>> actual) {
        Waiting<K> w = new Waiting<>(actual, this);
        actual.onSubscribe(w);
        w.start();
    }

    static final class Waiting<K extends Task<?>> extends SingleSubscription<WaitResult<K>>
            implements Consumer<Task<?>> {
        private static final VarHandle REMAINING;
        private static final VarHandle FINISHED;
        private static final VarHandle TIMER;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                REMAINING = l.findVarHandle(Waiting.class, "remaining", int.class);
                FINISHED = l.findVarHandle(Waiting.class, "finished", boolean.class);
                TIMER = l.findVarHandle(Waiting.class, "timer", Subscription.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final WaitMono<K> parent;
        private volatile int remaining;
        private volatile boolean finished;
        private volatile Subscription timer;

        Waiting(CoreSubscriber<? super WaitResult<K>> actual, WaitMono<K> parent) {
            super(actual);
            this.parent = parent;
            this.remaining = parent.tasks.size();
        }

        void start() {
            for (K t : parent.tasks) {
                if (finished) {
                    return;
                }
                t.addDoneCallback(this);
                if (finished) {
                    t.removeDoneCallback(this); // finish() may have run before this callback was added
                    return;
                }
            }
            if (parent.timeoutNanos >= 0) {
                new SleepMono<Void>(Math.max(0L, parent.timeoutNanos), parent.scheduler, null).subscribe(new Timer());
            }
        }

        /** A task is done. */
        @Override
        public void accept(Task<?> task) {
            if (finished) {
                return;
            }
            int left = (int) REMAINING.getAndAdd(this, -1) - 1;
            if (left == 0 || parent.returnWhen == ReturnWhen.FIRST_COMPLETED
                    || (parent.returnWhen == ReturnWhen.FIRST_EXCEPTION && failed(task))) {
                finish();
            }
        }

        private static boolean failed(Task<?> task) {
            return !task.isCancelled()
                    && task.exception().filter(e -> !(e instanceof CancellationException)).isPresent();
        }

        private void finish() {
            if (!FINISHED.compareAndSet(this, false, true)) {
                return;
            }
            stopWatching();
            Set<K> done = new LinkedHashSet<>();
            Set<K> pending = new LinkedHashSet<>();
            for (K t : parent.tasks) {
                (t.isDone() ? done : pending).add(t);
            }
            complete(new WaitResult<>(done, pending));
        }

        private void stopWatching() {
            Subscriptions.terminate(TIMER, this);
            for (K t : parent.tasks) {
                t.removeDoneCallback(this);
            }
        }

        @Override
        protected void onCancel() {
            if (FINISHED.compareAndSet(this, false, true)) {
                stopWatching(); // the tasks run on: a wait does not own them
            }
        }

        final class Timer implements CoreSubscriber<Void> {
            @Override
            public Context currentContext() {
                return actual.currentContext();
            }

            @Override
            public void onSubscribe(Subscription s) {
                if (Subscriptions.setOnce(TIMER, Waiting.this, s)) {
                    s.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(Void v) {
                // Mono<Void>: never called
            }

            @Override
            public void onError(Throwable e) {
                if (FINISHED.compareAndSet(Waiting.this, false, true)) {
                    stopWatching();
                    error(e);
                } else {
                    Operators.onErrorDropped(e, actual.currentContext());
                }
            }

            @Override
            public void onComplete() {
                finish();
            }
        }
    }
}
