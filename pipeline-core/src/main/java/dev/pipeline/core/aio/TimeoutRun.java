package dev.pipeline.core.aio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.pipeline.core.aio.internal.BodySubscriber;
import dev.pipeline.core.aio.internal.SingleSubscription;
import dev.pipeline.core.aio.internal.SleepMono;
import dev.pipeline.core.aio.internal.Subscriptions;
import dev.pipeline.core.aio.internal.Trampoline;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * One run of a timeout scope: the body, the deadline and the timer that enforces it, as a state
 * machine guarded by this object's monitor:
 *
 * <pre>
 *   ACTIVE --timer fires (the current timer only)--&gt; EXPIRED    body cancelled, DeadlineExceededException
 *      |
 *      +----body ends, or the subscriber cancels----&gt; FINISHED   timer cancelled
 * </pre>
 *
 * <p>Each deadline has a timer of its own ({@link Timer}); rescheduling replaces the current one
 * and cancels the old one. A timer that fires after it was replaced finds it is no longer
 * current and does nothing, so a reschedule racing the old deadline on another thread either
 * happens first (the new deadline holds) or finds the scope expired (and throws).
 */
final class TimeoutRun<T> extends SingleSubscription<T> {

    private static final int ACTIVE = 0;
    private static final int EXPIRED = 1;
    private static final int FINISHED = 2;

    private static final VarHandle BODY;

    static {
        try {
            BODY = MethodHandles.lookup().findVarHandle(TimeoutRun.class, "body", Subscription.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Timeout facade = new Timeout(this);
    private final Scheduler scheduler;
    private final Instant started;
    private volatile Subscription body;
    private int state;
    private Instant deadline;
    private Timer timer;

    TimeoutRun(CoreSubscriber<? super T> actual, Scheduler scheduler) {
        super(actual);
        this.scheduler = scheduler;
        this.started = now(scheduler);
    }

    /** The scheduler's clock as an instant (virtual time starts at the epoch). */
    static Instant now(Scheduler scheduler) {
        return Instant.EPOCH.plusNanos(scheduler.now(TimeUnit.NANOSECONDS));
    }

    /**
     * A cold Mono running {@code body} in a scope of its own per subscription.
     *
     * @param deadline the first deadline, from the instant the scope starts
     */
    static <T> Mono<T> mono(Scheduler scheduler, UnaryOperator<Instant> deadline,
            Function<? super Timeout, ? extends Mono<? extends T>> body) {
        return new Mono<T>() {
            @Override
            public void subscribe(CoreSubscriber<? super T> actual) {
                TimeoutRun<T> run = new TimeoutRun<>(actual, scheduler);
                actual.onSubscribe(run);
                run.start(deadline.apply(run.started), body);
            }
        };
    }

    /**
     * Arms the first deadline and runs the body. The timer is armed first but, if already due,
     * fires only once the body's synchronous part has run (as asyncio's handle is called soon,
     * not now): a body that ends as it is subscribed beats a deadline already past.
     */
    private void start(Instant when, Function<? super Timeout, ? extends Mono<? extends T>> bodyFn) {
        if (isTerminatedOrCancelled()) {
            return; // cancelled from within onSubscribe: the body never runs
        }
        Trampoline.scope(() -> {
            Timer first = null;
            synchronized (this) {
                deadline = when;
                if (!Timeout.NEVER.equals(when)) {
                    first = new Timer(this);
                    timer = first;
                }
            }
            if (first != null) {
                first.arm(nanosBetween(started, when));
            }
            Mono<? extends T> m;
            try {
                m = Objects.requireNonNull(bodyFn.apply(facade), "the timeout body returned null");
            } catch (Throwable e) {
                Exceptions.throwIfJvmFatal(e);
                if (finish()) {
                    error(e);
                }
                return;
            }
            m.subscribe(new Body());
        });
    }

    synchronized Instant when() {
        return deadline;
    }

    synchronized boolean expired() {
        return state == EXPIRED;
    }

    void reschedule(Instant when) {
        Timer old;
        Timer fresh = null;
        synchronized (this) {
            if (state != ACTIVE) {
                throw new IllegalStateException("reschedule() called on a Timeout that has "
                        + (state == EXPIRED ? "expired (its deadline " + deadline + " passed)" : "finished")
                        + "; reschedule only while the scope's body runs");
            }
            deadline = when;
            old = timer;
            if (!Timeout.NEVER.equals(when)) {
                fresh = new Timer(this);
            }
            timer = fresh;
        }
        if (old != null) {
            old.cancel();
        }
        if (fresh != null) {
            fresh.arm(nanosUntil(when));
        }
    }

    private long nanosUntil(Instant when) {
        return nanosBetween(now(scheduler), when);
    }

    /** From {@code from} to {@code to}: zero if already past, saturated past ~292 years. */
    private static long nanosBetween(Instant from, Instant to) {
        try {
            return Math.max(0L, Duration.between(from, to).toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private void expire(Timer t) {
        Instant passed;
        synchronized (this) {
            if (state != ACTIVE || t != timer) {
                return; // the body ended, or this timer was replaced by a reschedule
            }
            state = EXPIRED;
            timer = null;
            passed = deadline;
        }
        Subscriptions.terminate(BODY, this);
        Duration allowed = Duration.between(started, passed);
        error(new DeadlineExceededException(passed, allowed.isNegative() ? Duration.ZERO : allowed));
    }

    /** The body ended or was given up: true if this call moved ACTIVE to FINISHED. */
    private boolean finish() {
        Timer old;
        synchronized (this) {
            if (state != ACTIVE) {
                return false;
            }
            state = FINISHED;
            old = timer;
            timer = null;
        }
        if (old != null) {
            old.cancel();
        }
        return true;
    }

    /** The scheduler rejected the timer: the deadline cannot be kept, so the scope fails. */
    private void timerRejected(Throwable e) {
        if (finish()) {
            Subscriptions.terminate(BODY, this);
            error(e);
        } else {
            Operators.onErrorDropped(e, actual.currentContext());
        }
    }

    @Override
    protected void onCancel() {
        finish();
        Subscriptions.terminate(BODY, this);
    }

    synchronized String describe() {
        switch (state) {
            case ACTIVE: return "active, when=" + (Timeout.NEVER.equals(deadline) ? "never" : deadline);
            case EXPIRED: return "expired";
            default: return "finished";
        }
    }

    /** The timer of one deadline. */
    private static final class Timer implements CoreSubscriber<Void> {
        private static final VarHandle SLEEP;

        static {
            try {
                SLEEP = MethodHandles.lookup().findVarHandle(Timer.class, "sleep", Subscription.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final TimeoutRun<?> run;
        private volatile Subscription sleep;

        Timer(TimeoutRun<?> run) {
            this.run = run;
        }

        void arm(long delayNanos) {
            new SleepMono<Void>(delayNanos, run.scheduler, null).subscribe(this);
        }

        void cancel() {
            Subscriptions.terminate(SLEEP, this);
        }

        @Override
        public Context currentContext() {
            return run.actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Subscriptions.setOnce(SLEEP, this, s)) {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(Void v) {
            // Mono<Void>: never called
        }

        @Override
        public void onError(Throwable e) {
            run.timerRejected(e);
        }

        @Override
        public void onComplete() {
            run.expire(this);
        }
    }

    private final class Body extends BodySubscriber<T> {
        Body() {
            super(BODY, TimeoutRun.this, actual);
        }

        @Override
        protected void failed(Throwable e) {
            if (finish()) {
                error(e);
            } else if (!isCancelled()) {
                Operators.onErrorDropped(e, actual.currentContext());
            }
        }

        @Override
        protected void succeeded(T v) {
            if (finish()) {
                complete(v);
            }
        }
    }
}
