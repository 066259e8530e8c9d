package dev.pipeline.core.aio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;

/**
 * A queue's items as a backpressured Flux: each subscription is a consumer that takes items
 * only when its subscriber has requested them (several subscriptions compete for items, like
 * asyncq's consumers). It takes up to {@value #BATCH} requested items per acquisition of the
 * queue's lock; items taken but not delivered when it is cancelled go back to the front of the
 * queue. When it has demand and the queue is empty it waits in line with the other takers. It
 * completes once the queue is shut down and drained.
 *
 * @param <T> the item type
 */
final class QueueFlux<T> extends Flux<T> {

    static final int BATCH = 64;

    private final QueueCore<T> queue;

    QueueFlux(QueueCore<T> queue) {
        this.queue = queue;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        QueueSubscription<T> s = new QueueSubscription<>(actual, queue);
        actual.onSubscribe(s);
        if (!queue.watch(s.watcher)) {
            s.watcher.tryGrant(null);
        }
        s.drain();
    }

    static final class QueueSubscription<T> implements Subscription, Scannable {
        private static final VarHandle REQUESTED;
        private static final VarHandle WIP;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                REQUESTED = l.findVarHandle(QueueSubscription.class, "requested", long.class);
                WIP = l.findVarHandle(QueueSubscription.class, "wip", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CoreSubscriber<? super T> actual;
        final QueueCore<T> queue;
        /** Wakes this subscription when the queue shuts down, so that it can complete while idle. */
        final DrainNode<Void> watcher = new DrainNode<>(this::drain);
        /** The taker lined up while waiting for an item; touched only inside drain(). */
        DrainNode<T> node;
        /** Items taken and not yet delivered: [batchIndex, batchCount); only inside drain(). */
        private Object[] batch;
        private int batchIndex;
        private int batchCount;
        private volatile long requested;
        private volatile int wip;
        private volatile boolean cancelled;
        private volatile Throwable badRequest;
        private boolean done;

        QueueSubscription(CoreSubscriber<? super T> actual, QueueCore<T> queue) {
            this.actual = actual;
            this.queue = queue;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = Exceptions.nullOrNegativeRequestException(n);
            } else {
                Subscriptions.addCap(REQUESTED, this, n);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        @SuppressWarnings("unchecked")
        void drain() {
            if ((int) WIP.getAndAdd(this, 1) != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                if (done) {
                    return;
                }
                if (cancelled || badRequest != null) {
                    terminate(badRequest);
                    return;
                }
                long r = requested;
                long e = 0L;
                while (e != r) {
                    if (cancelled) {
                        break;
                    }
                    if (batchIndex == batchCount) {
                        if (batch == null) {
                            batch = new Object[BATCH];
                        }
                        int got = queue.takeInto(this, batch, (int) Math.min(r - e, BATCH));
                        if (got == 0) {
                            break;
                        }
                        if (got < 0) {
                            complete();
                            return;
                        }
                        batchIndex = 0;
                        batchCount = got;
                    }
                    Object v = batch[batchIndex];
                    batch[batchIndex++] = null;
                    actual.onNext((T) v);
                    e++;
                }
                if (e == r && !cancelled && node == null && batchIndex == batchCount
                        && watcher.isGranted() && queue.isShutDownAndEmpty()) {
                    complete();
                    return;
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

        private void complete() {
            done = true;
            watcher.cancel(queue.watcherOwner());
            actual.onComplete();
        }

        private void terminate(Throwable error) {
            done = true;
            if (batchIndex < batchCount) {
                queue.putBack(batch, batchIndex, batchCount);
                batchIndex = batchCount;
            }
            DrainNode<T> n = node;
            node = null;
            if (n != null) {
                n.cancel(queue.takerOwner());
            }
            watcher.cancel(queue.watcherOwner());
            if (error != null && !cancelled) {
                actual.onError(error);
            }
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Object scanUnsafe(Attr key) {
            if (key == Attr.ACTUAL) {
                return actual;
            }
            if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
                return requested;
            }
            if (key == Attr.CANCELLED) {
                return cancelled;
            }
            if (key == Attr.TERMINATED) {
                return done;
            }
            return null;
        }
    }
}
