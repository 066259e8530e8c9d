package dev.pipeline.core.aio;

import java.util.concurrent.BrokenBarrierException;

import dev.pipeline.core.aio.internal.MonoWaiter;
import dev.pipeline.core.aio.internal.Trampoline;
import dev.pipeline.core.aio.internal.Waiter;
import dev.pipeline.core.aio.internal.WaiterList;
import dev.pipeline.core.aio.internal.WaiterMono;
import dev.pipeline.core.aio.internal.WaiterOwner;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Mono;

/**
 * A meeting point for a fixed number of parties: asyncio's {@code Barrier}. Each party
 * {@link #arrive() arrives} and waits; when the last one arrives the round is released, and the
 * barrier fills again for the next round once every party of this one has left.
 *
 * <pre>{@code
 * AsyncBarrier start = AsyncBarrier.of(3);
 * Flux.range(0, 3).flatMap(i -> start.arrive().then(work(i))).subscribe();
 * }</pre>
 *
 * <p>As in asyncio, a round has two phases. <em>Filling</em>: parties arrive and wait.
 * <em>Draining</em>: once the last party has arrived, the parties leave the barrier one at a
 * time, the last to arrive first and then the others in the order they arrived, each
 * continuing (its {@code arrive()} emitting) as it leaves, as asyncio's tasks resume one after
 * another. A party that comes back to the barrier while the round drains waits until every
 * party of the round has left, then arrives in the next round. {@link #reset()} or
 * {@link #abort()} while the round drains breaks only the parties that have not left yet.
 *
 * <p>A party that cancels while waiting no longer counts as arrived. After {@link #abort()}
 * the barrier is broken: waiting and later arrivals fail with
 * {@link BrokenBarrierException} until {@link #reset()}.
 *
 * @see <a href="https://docs.python.org/3/library/asyncio-sync.html#asyncio.Barrier">asyncio.Barrier</a>
 */
public final class AsyncBarrier {

    private final int parties;
    private final Owner owner = new Owner();
    /** Filling: the parties that arrived in this round, in arrival order. */
    private final WaiterList<Integer> waiters = new WaiterList<>();
    /** Draining: the parties released that have not left yet, in the order they leave. */
    private final WaiterList<Integer> draining = new WaiterList<>();
    /** Parties that came back while the round drains: they arrive once it has drained. */
    private final WaiterList<Integer> blocked = new WaiterList<>();
    private final Mono<Integer> arrive = new WaiterMono<>(this::register, owner);
    private final Trampoline.Task drainStep = new Trampoline.Task() {
        @Override
        public void run() {
            drainOne();
        }
    };
    private int arrived;
    private boolean broken;
    /**
     * Whether {@link #drainStep} is queued or running. Kept true while a party drains or is
     * blocked, so one step always follows to let it out or in.
     */
    private boolean drainScheduled;

    private AsyncBarrier(int parties) {
        this.parties = parties;
    }

    /**
     * A barrier for {@code parties} parties.
     *
     * @param parties how many must arrive to release them all, {@code > 0}
     * @return a new barrier
     */
    public static AsyncBarrier of(int parties) {
        return new AsyncBarrier(Require.positive(parties, "parties"));
    }

    /**
     * Arrives and waits for the others ({@code await barrier.wait()}).
     *
     * <p><b>Emits when</b> the last party has arrived and this party leaves the barrier: its
     * arrival index, 0 for the first to arrive in the round and {@code parties - 1} for the
     * last. The parties leave one at a time, the last to arrive first. A party that arrives
     * while the previous round still drains waits for it to drain first. <b>Errors when</b> the
     * barrier is or becomes broken ({@link #abort()}), or is {@link #reset()} before this party
     * left: {@link BrokenBarrierException}. <b>On cancel</b> the arrival is withdrawn.
     * <b>Thread</b>: the last party's thread, or the thread of the party whose leaving ended the
     * draining.
     *
     * @return a cold Mono of the arrival index
     */
    public Mono<Integer> arrive() {
        return arrive;
    }

    /**
     * Returns the barrier to its empty, unbroken state: every party waiting in the round, and
     * every party of a draining round that has not left yet, fails with
     * {@link BrokenBarrierException}. Parties waiting for a draining round to end then arrive in
     * a new round.
     */
    public void reset() {
        Waiter<?> failed;
        synchronized (owner) {
            failed = waiters.failAll(new BrokenBarrierException("AsyncBarrier was reset while waiting"), null);
            failed = draining.failAll(new BrokenBarrierException("AsyncBarrier was reset before this party left it"), failed);
            arrived = 0;
            broken = false;
            // parties still blocked are let in by the drain step already scheduled for them
        }
        Trampoline.signalAll(failed);
    }

    /**
     * Breaks the barrier: waiting parties, parties of a draining round that have not left yet,
     * parties waiting for it to drain and later arrivals fail with
     * {@link BrokenBarrierException} until {@link #reset()}.
     */
    public void abort() {
        Waiter<?> failed;
        synchronized (owner) {
            broken = true;
            arrived = 0;
            BrokenBarrierException aborted = new BrokenBarrierException("AsyncBarrier was aborted");
            failed = waiters.failAll(aborted, null);
            failed = draining.failAll(aborted, failed);
            failed = blocked.failAll(aborted, failed);
        }
        Trampoline.signalAll(failed);
    }

    /**
     * The number of parties needed to release the barrier.
     *
     * @return the parties
     */
    public int parties() {
        return parties;
    }

    /**
     * How many parties are waiting in the current round (a snapshot): 0 while a round drains.
     *
     * @return the number of waiting parties
     */
    public int waitingCount() {
        synchronized (owner) {
            return arrived;
        }
    }

    /**
     * Whether the barrier is broken.
     *
     * @return true after {@link #abort()} until {@link #reset()}
     */
    public boolean isBroken() {
        synchronized (owner) {
            return broken;
        }
    }

    private void register(MonoWaiter<Integer> w) {
        boolean startDraining;
        synchronized (owner) {
            if (!w.isWaiting()) {
                return;
            }
            if (broken) {
                if (!w.tryFail(new BrokenBarrierException("AsyncBarrier is broken; reset() it before reuse"))) {
                    return;
                }
                startDraining = false;
            } else if (!draining.isEmpty()) {
                blocked.add(w);
                return;
            } else {
                startDraining = fill(w);
                if (!startDraining) {
                    return;
                }
            }
        }
        if (startDraining) {
            Trampoline.execute(drainStep);
        } else {
            w.deliverNow();
        }
    }

    /**
     * Under the lock: counts {@code w} in the filling round; when it is the last party, moves
     * the round to {@link #draining}.
     *
     * @return true if the caller must run {@link #drainStep} (after the lock)
     */
    private boolean fill(Waiter<Integer> w) {
        if (arrived + 1 == parties) {
            // a waiter cancelled at this very moment must not complete the round
            arrived -= waiters.removeCancelled();
        }
        w.attachment = arrived;
        if (++arrived < parties) {
            waiters.add(w);
            return false;
        }
        arrived = 0;
        draining.add(w);    // the last to arrive leaves first: it never stopped running
        Waiter<Integer> other;
        while ((other = waiters.poll()) != null) {
            draining.add(other);
        }
        if (drainScheduled) {
            return false;
        }
        drainScheduled = true;
        return true;
    }

    /**
     * One step of the drain, run from the trampoline: lets the next party of the draining round
     * out, or, once the round has drained, lets the blocked parties in.
     */
    private void drainOne() {
        Waiter<Integer> leaving = null;
        boolean more;
        synchronized (owner) {
            Waiter<Integer> w;
            while (leaving == null && (w = draining.poll()) != null) {
                if (w.tryGrant((Integer) w.attachment)) {
                    leaving = w;
                }
            }
            if (leaving == null) {
                // drained: the parties that came back arrive, in order, until one completes a round
                while (draining.isEmpty() && (w = blocked.poll()) != null) {
                    if (w.isWaiting()) {
                        fill(w);
                    }
                }
            }
            more = !draining.isEmpty() || !blocked.isEmpty();
            drainScheduled = more;
        }
        if (more) {
            Trampoline.execute(drainStep);  // queued behind this step: the next party leaves after this one
        }
        if (leaving != null) {
            ((MonoWaiter<Integer>) leaving).deliverNow();
        }
    }

    @Override
    public String toString() {
        synchronized (owner) {
            String phase = broken ? "broken" : draining.isEmpty() ? "filling" : "draining";
            return "AsyncBarrier[" + phase + ", waiting=" + arrived + "/" + parties + "]";
        }
    }

    private final class Owner implements WaiterOwner<Integer> {
        @Override
        public void remove(Waiter<Integer> w) {
            synchronized (this) {
                if (waiters.remove(w)) {
                    arrived--;
                } else if (!draining.remove(w)) {
                    blocked.remove(w);
                }
                // a draining round emptied by cancellations ends at the drain step scheduled for it
            }
        }

        @Override
        public void relinquish(Integer index) {
            // the party had left the barrier: nothing to withdraw
        }
    }
}
