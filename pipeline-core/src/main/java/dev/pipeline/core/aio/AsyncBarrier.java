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
 * {@link #arrive() arrives} and waits; when the last one arrives all are released together,
 * and the barrier is ready for the next round.
 *
 * <pre>{@code
 * AsyncBarrier start = AsyncBarrier.of(3);
 * Flux.range(0, 3).flatMap(i -> start.arrive().then(work(i))).subscribe();
 * }</pre>
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
    private final WaiterList<Integer> waiters = new WaiterList<>();
    private final Mono<Integer> arrive = new WaiterMono<>(this::register, owner);
    private int arrived;
    private boolean broken;

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
     * <p><b>Emits when</b> the last party arrives: this party's arrival index, 0 for the first
     * to arrive in the round and {@code parties - 1} for the last. <b>Errors when</b> the
     * barrier is or becomes broken ({@link #abort()}) or is {@link #reset()} while waiting:
     * {@link BrokenBarrierException}. <b>On cancel</b> the arrival is withdrawn.
     * <b>Thread</b>: the last party's thread.
     *
     * @return a cold Mono of the arrival index
     */
    public Mono<Integer> arrive() {
        return arrive;
    }

    /**
     * Fails every waiting party with {@link BrokenBarrierException} and returns the barrier to
     * its empty, unbroken state.
     */
    public void reset() {
        Waiter<?> failed;
        synchronized (owner) {
            failed = waiters.failAll(new BrokenBarrierException("AsyncBarrier was reset while waiting"), null);
            arrived = 0;
            broken = false;
        }
        Trampoline.signalAll(failed);
    }

    /**
     * Breaks the barrier: waiting parties and later arrivals fail with
     * {@link BrokenBarrierException} until {@link #reset()}.
     */
    public void abort() {
        Waiter<?> failed;
        synchronized (owner) {
            broken = true;
            arrived = 0;
            failed = waiters.failAll(new BrokenBarrierException("AsyncBarrier was aborted"), null);
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
     * How many parties are waiting in the current round (a snapshot).
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
        Waiter<?> released = null;
        synchronized (owner) {
            if (!w.isWaiting()) {
                return;
            }
            if (broken) {
                if (!w.tryFail(new BrokenBarrierException("AsyncBarrier is broken; reset() it before reuse"))) {
                    return;
                }
            } else {
                int index = arrived++;
                if (arrived < parties) {
                    w.attachment = index;
                    waiters.add(w);
                    return;
                }
                if (!w.tryGrant(index)) {
                    arrived--;
                    return;
                }
                arrived = 0;
                Waiter<Integer> other;
                while ((other = waiters.poll()) != null) {
                    if (other.tryGrant((Integer) other.attachment)) {
                        released = Waiter.chain(other, released);
                    }
                }
            }
        }
        Trampoline.signalAll(released);
        w.deliverNow();
    }

    @Override
    public String toString() {
        synchronized (owner) {
            return "AsyncBarrier[parties=" + parties + ", waiting=" + arrived + (broken ? ", broken" : "") + "]";
        }
    }

    private final class Owner implements WaiterOwner<Integer> {
        @Override
        public void remove(Waiter<Integer> w) {
            synchronized (this) {
                if (waiters.remove(w)) {
                    arrived--;
                }
            }
        }

        @Override
        public void relinquish(Integer index) {
            // the round already completed: nothing to withdraw
        }
    }
}
