package dev.pipeline.core.engine;

import java.util.function.Function;
import java.util.function.Predicate;

import dev.pipeline.core.PipelineException;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;

/**
 * The source's and the inline stages' work as one pass-through operator: counts what the
 * source emits and attributes its errors to it (when it follows the source), then runs up to
 * four inline stages (synchronous map/filter, fail-fast or skip) on each item, each with its
 * own accounting and error policy.
 *
 * <p>Why an operator of its own, not one Reactor operator per stage: one layer instead of
 * several; it stays a {@link Fuseable.ConditionalSubscriber}, so a dropped item costs the
 * source no {@code request(1)}; the steps are called from unrolled code, one call site per
 * position, so the JIT can inline them; and values are handed on directly (a {@code handle}
 * stores each value in a field first), so intermediate boxes can stay out of the heap.
 */
public final class InlineOperator extends FluxOperator<Object, Object> {

    static final Object DROP = new Object();
    static final Object FAIL = new Object();

    private final String sourceName;
    private final Cell sourceCell;
    private final Step[] steps;

    /**
     * @param sourceName the source's name when this follows the source (its errors are
     *     attributed to it and its items counted in {@code sourceCell}); null otherwise
     * @param steps up to four inline steps, possibly none
     */
    InlineOperator(Flux<?> upstream, String sourceName, Cell sourceCell, Step[] steps) {
        super(upstream);
        if (steps.length > 4) {
            throw new IllegalArgumentException("at most 4 steps per operator, got " + steps.length);
        }
        this.sourceName = sourceName;
        this.sourceCell = sourceCell;
        this.steps = steps;
    }

    /** One inline stage; one instance per copy of the stage in a run. */
    abstract static class Step {
        final String name;
        final PolicyDef policy;
        final Cell cell;
        final RunContext ctx;

        Step(StageDef stage, Cell cell, RunContext ctx) {
            this(stage.name(), stage.options().policy(), cell, ctx);
        }

        Step(String name, PolicyDef policy, Cell cell, RunContext ctx) {
            this.name = name;
            this.policy = policy;
            this.cell = cell;
            this.ctx = ctx;
        }

        /** The value to pass on, {@link #DROP}, or {@link #FAIL} (the error is then in {@code failure[0]}). */
        abstract Object step(Object v, Throwable[] failure);

        /** Applies the policy to {@code v} (tracked or not: a skipped tracked item settles as skipped). */
        final Object reject(Object v, Throwable e, Throwable[] failure) {
            Exceptions.throwIfJvmFatal(e);
            Throwable signal = ctx.rejectNow(name, policy, cell, v, e, 1);
            if (signal == null) {
                return DROP;
            }
            failure[0] = signal;
            return FAIL;
        }

        /** The step of an inline stage that no acknowledged item reaches. */
        static Step of(StageDef stage, Cell cell, RunContext ctx) {
            return of(stage, cell, ctx, false);
        }

        /**
         * The step of an inline stage; {@code tracked} when items of an acknowledged source may
         * reach it (its own classes, so that the path without acknowledgements is unchanged).
         */
        static Step of(StageDef stage, Cell cell, RunContext ctx, boolean tracked) {
            if (stage instanceof FilterStage f) {
                return tracked ? new TrackedFilterStep(f, cell, ctx) : new FilterStep(f, cell, ctx);
            }
            return tracked ? new TrackedMapStep((MapStage) stage, cell, ctx) : new MapStep((MapStage) stage, cell, ctx);
        }
    }

    /** A map step for items that may carry a ticket share: the function sees the value, the result keeps the share. */
    static final class TrackedMapStep extends Step {
        private final Function<Object, Object> fn;

        TrackedMapStep(MapStage stage, Cell cell, RunContext ctx) {
            super(stage, cell, ctx);
            this.fn = stage.fn();
        }

        @Override
        Object step(Object v, Throwable[] failure) {
            Object r;
            try {
                r = fn.apply(Tracked.value(v));
            } catch (Throwable e) {
                return reject(v, e, failure);
            }
            if (r == null) {
                return reject(v, new NullPointerException("the function of map stage '" + name + "' returned null"), failure);
            }
            cell.emitted();
            return Tracked.carry(v, r);
        }
    }

    /** A filter step for items that may carry a ticket share: a dropped item settles as filtered. */
    static final class TrackedFilterStep extends Step {
        private final Predicate<Object> test;

        TrackedFilterStep(FilterStage stage, Cell cell, RunContext ctx) {
            super(stage, cell, ctx);
            this.test = stage.test();
        }

        @Override
        Object step(Object v, Throwable[] failure) {
            boolean keep;
            try {
                keep = test.test(Tracked.value(v));
            } catch (Throwable e) {
                return reject(v, e, failure);
            }
            if (keep) {
                cell.emitted();
                return v;
            }
            cell.filtered();
            Tracked.release(v, dev.pipeline.core.Settlement.FILTERED);
            return DROP;
        }
    }

    static final class MapStep extends Step {
        private final Function<Object, Object> fn;

        MapStep(MapStage stage, Cell cell, RunContext ctx) {
            super(stage, cell, ctx);
            this.fn = stage.fn();
        }

        @Override
        Object step(Object v, Throwable[] failure) {
            Object r;
            try {
                r = fn.apply(v);
            } catch (Throwable e) {
                return reject(v, e, failure);
            }
            if (r == null) {
                return reject(v, new NullPointerException("the function of map stage '" + name + "' returned null"), failure);
            }
            cell.emitted();
            return r;
        }
    }

    static final class FilterStep extends Step {
        private final Predicate<Object> test;

        FilterStep(FilterStage stage, Cell cell, RunContext ctx) {
            super(stage, cell, ctx);
            this.test = stage.test();
        }

        @Override
        Object step(Object v, Throwable[] failure) {
            boolean keep;
            try {
                keep = test.test(v);
            } catch (Throwable e) {
                return reject(v, e, failure);
            }
            if (keep) {
                cell.emitted();
                return v;
            }
            cell.filtered();
            return DROP;
        }
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        source.subscribe(new Inline(this, actual));
    }

    /**
     * Always a {@link Fuseable.ConditionalSubscriber} towards its source, whatever its
     * downstream: a dropped item then costs the source no {@code request(1)}.
     *
     * <p>Passes synchronous fusion through: when the source can be polled (a range, an
     * iterable) and the downstream asks for {@code SYNC} (a fan-out's {@code publish}, a
     * {@code concatMap}), the downstream polls this operator, which polls the source and runs
     * the steps on each item, with no queue between them. It accepts even when the downstream
     * marks a thread barrier: the steps then run on the thread that drains the downstream,
     * which is one of the pipeline's threads; inline functions must not block, wherever they run.
     */
    private static final class Inline implements Fuseable.ConditionalSubscriber<Object>, Fuseable.QueueSubscription<Object>,
            Scannable {
        final CoreSubscriber<? super Object> actual;
        final Fuseable.ConditionalSubscriber<? super Object> conditional;
        final String sourceName;
        final Cell sourceCell;
        final Step[] steps;
        final Step a;
        final Step b;
        final Step c;
        final Step d;
        final Cell sampler;
        final Throwable[] failure = new Throwable[1];
        Subscription upstream;
        /** The source as a queue, when it can be fused. */
        Fuseable.QueueSubscription<Object> queue;
        boolean done;
        /**
         * Whether the downstream asked for everything ({@code Long.MAX_VALUE}): a dropped item
         * then needs no {@code request(1)} to replace it. Once true, true for good; read on the
         * item path, written by {@link #request}, which may run on another thread (a stale
         * false costs one harmless request).
         */
        volatile boolean unbounded;

        @SuppressWarnings("unchecked")
        Inline(InlineOperator op, CoreSubscriber<? super Object> actual) {
            this.actual = actual;
            this.conditional = actual instanceof Fuseable.ConditionalSubscriber
                    ? (Fuseable.ConditionalSubscriber<? super Object>) actual : null;
            this.sourceName = op.sourceName;
            this.sourceCell = op.sourceCell;
            this.steps = op.steps;
            this.a = steps.length > 0 ? steps[0] : null;
            this.b = steps.length > 1 ? steps[1] : null;
            this.c = steps.length > 2 ? steps[2] : null;
            this.d = steps.length > 3 ? steps[3] : null;
            this.sampler = a != null ? a.cell : null;
        }

        /**
         * Runs the steps: the value to pass on, DROP, or FAIL (the error is in failure[0]). The
         * fused path ({@link #poll}); onNext and tryOnNext run the same steps in the same order.
         */
        final Object apply(Object t) {
            if (sourceCell != null) {
                sourceCell.emitted();
            }
            if (a == null) {
                return t;
            }
            if (sampler.sampleBusy()) {
                return timed(t);
            }
            Object v = a.step(t, failure);
            if (b == null || v == DROP || v == FAIL) {
                return v;
            }
            v = b.step(v, failure);
            if (c == null || v == DROP || v == FAIL) {
                return v;
            }
            v = c.step(v, failure);
            if (d == null || v == DROP || v == FAIL) {
                return v;
            }
            return d.step(v, failure);
        }

        /** One item in {@link Cell#SAMPLE}: the same steps, each timed (its time counted that many times). */
        private Object timed(Object t) {
            Object v = t;
            for (Step s : steps) {
                long t0 = s.ctx.ticker.nanos();
                v = s.step(v, failure);
                s.cell.busy((s.ctx.ticker.nanos() - t0) * Cell.SAMPLE);
                if (v == DROP || v == FAIL) {
                    return v;
                }
            }
            return v;
        }

        final void fail() {
            Throwable e = failure[0];
            failure[0] = null;
            done = true;
            upstream.cancel();
            actual.onError(e);
        }

        @Override
        public reactor.util.context.Context currentContext() {
            return actual.currentContext();
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                if (s instanceof Fuseable.QueueSubscription) {
                    queue = (Fuseable.QueueSubscription<Object>) s;
                }
                actual.onSubscribe(this);
            }
        }

        @Override
        public int requestFusion(int requestedMode) {
            if (queue != null && (requestedMode & Fuseable.SYNC) != 0 && queue.requestFusion(Fuseable.SYNC) == Fuseable.SYNC) {
                return Fuseable.SYNC;
            }
            return Fuseable.NONE;
        }

        /** Fused: the next item that passes every step, or null once the source is drained. */
        @Override
        public Object poll() {
            for (;;) {
                Object t;
                try {
                    t = queue.poll();
                } catch (Throwable e) {
                    throw sourceName != null && !(e instanceof PipelineException)
                            ? new PipelineException(sourceName, "the source failed: " + e, e) : Exceptions.propagate(e);
                }
                if (t == null) {
                    return null;
                }
                Object v = apply(t);
                if (v == FAIL) {
                    Throwable e = failure[0];
                    failure[0] = null;
                    throw Exceptions.propagate(e);
                }
                if (v != DROP) {
                    return v;
                }
            }
        }

        @Override
        public int size() {
            return queue.size();
        }

        @Override
        public boolean isEmpty() {
            return queue.isEmpty();
        }

        @Override
        public void clear() {
            queue.clear();
        }

        /*
         * onNext and tryOnNext run the steps themselves (emit), each leaving as soon as a step
         * drops or fails its item, rather than through apply(): a sentinel merged out of apply()
         * and tested again cost measurably on the onNext path that a publish's branches take
         * (route to 4: 1.03x to 1.13x groupBy's CPU with this, 1.17x to 1.28x without, three
         * runs each, alternated; docs/performance.md). The order is apply()'s: the source's
         * count, the sampling tick, then each step.
         */

        @Override
        public void onNext(Object t) {
            if (done) {
                Operators.onNextDropped(t, actual.currentContext());
                return;
            }
            if (!emit(t, false)) {
                // a publish (a fan-out's branches) cannot hand items to a conditional subscriber:
                // each request(1) there costs an atomic and a pass of its drain loop
                if (!unbounded) {
                    upstream.request(1);
                }
            }
        }

        @Override
        public boolean tryOnNext(Object t) {
            if (done) {
                Operators.onNextDropped(t, actual.currentContext());
                return true;
            }
            return emit(t, true);
        }

        /**
         * Runs the steps on {@code t} and passes the result on: to the conditional subscriber's
         * {@code tryOnNext} when {@code viaConditional} and there is one, else to {@code onNext}.
         *
         * @return false if a step dropped the item (or the conditional subscriber did), so the
         *     caller asks for another; true if it was passed on or failed the stage
         */
        private boolean emit(Object t, boolean viaConditional) {
            if (sourceCell != null) {
                sourceCell.emitted();
            }
            Object v = t;
            Step s = a;
            if (s != null) {
                if (sampler.sampleBusy()) {
                    return pass(timed(t), viaConditional);
                }
                v = s.step(v, failure);
                if (v == DROP || v == FAIL) {
                    return pass(v, viaConditional);
                }
                if ((s = b) != null) {
                    v = s.step(v, failure);
                    if (v == DROP || v == FAIL) {
                        return pass(v, viaConditional);
                    }
                    if ((s = c) != null) {
                        v = s.step(v, failure);
                        if (v == DROP || v == FAIL) {
                            return pass(v, viaConditional);
                        }
                        if ((s = d) != null) {
                            v = s.step(v, failure);
                            if (v == DROP || v == FAIL) {
                                return pass(v, viaConditional);
                            }
                        }
                    }
                }
            }
            if (viaConditional && conditional != null) {
                return conditional.tryOnNext(v);
            }
            actual.onNext(v);
            return true;
        }

        /** emit's outcome for a step's result: DROP, FAIL, or (after {@link #timed}) a value. */
        private boolean pass(Object v, boolean viaConditional) {
            if (v == DROP) {
                return false;
            }
            if (v == FAIL) {
                fail();
                return true;
            }
            if (viaConditional && conditional != null) {
                return conditional.tryOnNext(v);
            }
            actual.onNext(v);
            return true;
        }

        @Override
        public void onError(Throwable e) {
            if (done) {
                Operators.onErrorDropped(e, actual.currentContext());
                return;
            }
            done = true;
            if (sourceName != null && !(e instanceof PipelineException)) {
                e = new PipelineException(sourceName, "the source failed: " + e, e);
            }
            actual.onError(e);
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            if (n == Long.MAX_VALUE) {
                unbounded = true;
            }
            upstream.request(n);
        }

        @Override
        public void cancel() {
            upstream.cancel();
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Object scanUnsafe(Attr key) {
            if (key == Attr.PARENT) {
                return upstream;
            }
            if (key == Attr.ACTUAL) {
                return actual;
            }
            if (key == Attr.TERMINATED) {
                return done;
            }
            if (key == Attr.RUN_STYLE) {
                return Attr.RunStyle.SYNC;
            }
            if (key == Attr.PREFETCH) {
                return 0;
            }
            return null;
        }
    }
}
