package dev.pipeline.core.aio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;

import dev.pipeline.core.aio.QueueShutDownException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * Puts every item of a publisher into a queue, with backpressure: it requests at most
 * {@value #PREFETCH} items ahead, moves as many as fit under one acquisition of the queue's
 * lock, and when the queue is full waits in line with the other putters (one node for the
 * whole stream), requesting more only as items get in.
 *
 * @param <T> the item type
 */
final class QueuePutAll<T> extends Mono<Void> {

    static final int PREFETCH = 256;

    private final QueueCore<T> queue;
    private final Publisher<? extends T> source;

    QueuePutAll(QueueCore<T> queue, Publisher<? extends T> source) {
        this.queue = queue;
        this.source = source;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
        PutAllSubscriber<T> s = new PutAllSubscriber<>(actual, queue, Math.min(PREFETCH, queue.capacity()));
        actual.onSubscribe(s);
        source.subscribe(s);
    }

    static final class PutAllSubscriber<T> implements CoreSubscriber<T>, Subscription {
        private static final VarHandle WIP;
        private static final VarHandle UPSTREAM;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                WIP = l.findVarHandle(PutAllSubscriber.class, "wip", int.class);
                UPSTREAM = l.findVarHandle(PutAllSubscriber.class, "upstream", Subscription.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final CoreSubscriber<? super Void> actual;
        private final QueueCore<T> queue;
        private final Queue<T> buffer;
        private final int prefetch;
        private final int limit;
        private volatile Subscription upstream;
        private volatile int wip;
        private volatile boolean upstreamDone;
        private volatile boolean cancelled;
        private volatile Throwable badRequest;
        private Throwable upstreamError;
        /** The putter lined up while the queue is full; only inside drain(). */
        DrainNode<Void> node;
        private int produced;
        private boolean requestedInitial;
        private boolean terminated;

        PutAllSubscriber(CoreSubscriber<? super Void> actual, QueueCore<T> queue, int prefetch) {
            this.actual = actual;
            this.queue = queue;
            this.prefetch = prefetch;
            this.limit = Math.max(1, prefetch - (prefetch >> 2));
            this.buffer = Queues.<T>get(prefetch).get();
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Subscriptions.setOnce(UPSTREAM, this, s)) {
                // the first request is made inside drain(), so that a synchronous source's burst
                // lands in the buffer and moves into the queue under one lock, not item by item
                drain();
            }
        }

        @Override
        public void onNext(T t) {
            if (upstreamDone) {
                Operators.onNextDropped(t, actual.currentContext());
                return;
            }
            if (!buffer.offer(t)) {
                Subscriptions.terminate(UPSTREAM, this);
                onError(Operators.onOperatorError(null,
                        Exceptions.failWithOverflow("putAll: the source emitted more than requested"), t,
                        actual.currentContext()));
                return;
            }
            drain();
        }

        @Override
        public void onError(Throwable e) {
            if (upstreamDone) {
                Operators.onErrorDropped(e, actual.currentContext());
                return;
            }
            upstreamError = e;
            upstreamDone = true;
            drain();
        }

        @Override
        public void onComplete() {
            upstreamDone = true;
            drain();
        }

        @Override
        public void request(long n) {
            // completion only: no demand needed, but a bad request is still an error (§3.9)
            if (n <= 0 && !cancelled) {
                badRequest = Exceptions.nullOrNegativeRequestException(n);
                cancel();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            Subscriptions.terminate(UPSTREAM, this);
            drain();
        }

        void drain() {
            if ((int) WIP.getAndAdd(this, 1) != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                if (terminated) {
                    return;
                }
                if (cancelled) {
                    cleanup();
                    return;
                }
                if (!requestedInitial) {
                    Subscription s = upstream;
                    if (s != null && s != Operators.cancelledSubscription()) {
                        requestedInitial = true;
                        s.request(prefetch);
                    }
                }
                int moved = 0;
                DrainNode<Void> n = node;
                boolean waiting = false;
                if (n != null) {
                    if (n.isWaiting()) {
                        waiting = true;
                    } else {
                        node = null;
                        if (n.claim()) {
                            if (n.error != null) {
                                fail(n.error);
                                return;
                            }
                            buffer.poll(); // the queue admitted it
                            moved++;
                        }
                    }
                }
                if (!waiting && !buffer.isEmpty()) {
                    int m = queue.putFrom(this, buffer);
                    if (m < 0) {
                        fail(new QueueShutDownException("putAll(): the AsyncQueue is shut down; "
                                + (buffer.size()) + " buffered item(s) were not added"));
                        return;
                    }
                    moved += m;
                }
                if (moved != 0) {
                    replenish(moved);
                }
                if (upstreamDone && buffer.isEmpty() && node == null) {
                    terminated = true;
                    Throwable e = upstreamError;
                    if (e != null) {
                        actual.onError(e);
                    } else {
                        actual.onComplete();
                    }
                    return;
                }
                missed = (int) WIP.getAndAdd(this, -missed) - missed;
                if (missed == 0) {
                    return;
                }
            }
        }

        private void replenish(int moved) {
            if (upstreamDone) {
                return;
            }
            int p = produced + moved;
            if (p >= limit) {
                produced = 0;
                upstream.request(p);
            } else {
                produced = p;
            }
        }

        private void fail(Throwable e) {
            terminated = true;
            Subscriptions.terminate(UPSTREAM, this);
            Operators.onDiscardQueueWithClear(buffer, actual.currentContext(), null);
            actual.onError(e);
        }

        private void cleanup() {
            terminated = true;
            DrainNode<Void> n = node;
            node = null;
            if (n != null) {
                n.cancel(queue.putterOwner());
            }
            Operators.onDiscardQueueWithClear(buffer, actual.currentContext(), null);
            Throwable e = badRequest;
            if (e != null) {
                actual.onError(e);
            }
        }
    }
}
