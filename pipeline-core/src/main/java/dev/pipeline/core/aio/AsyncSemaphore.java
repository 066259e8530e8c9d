package dev.pipeline.core.aio;

import java.util.function.Supplier;

import dev.pipeline.core.aio.internal.Permits;
import dev.pipeline.core.aio.internal.ScopedMono;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Mono;

/**
 * A counting semaphore whose {@link #acquire()} is a pending {@code Mono} instead of a parked
 * thread: asyncio's {@code Semaphore} and {@code BoundedSemaphore}.
 *
 * <pre>{@code
 * AsyncSemaphore limit = AsyncSemaphore.of(2);
 * Flux.range(1, 5)
 *     .flatMap(i -> limit.withPermit(() -> fetch(i)))   // at most 2 fetches at a time
 *     .subscribe();
 * }</pre>
 *
 * <p>Waiters are served in arrival order. Safe to use from many threads at once. A waiter that
 * cancels leaves nothing behind; a permit handed to a waiter at the very moment it cancels is
 * passed on to the next waiter.
 *
 * @see <a href="https://docs.python.org/3/library/asyncio-sync.html#asyncio.Semaphore">asyncio.Semaphore</a>
 * @see AsyncLock
 */
public final class AsyncSemaphore {

    private final Permits permits;
    private final String description;

    private AsyncSemaphore(int permits, boolean bounded) {
        this.description = (bounded ? "AsyncSemaphore.bounded(" : "AsyncSemaphore.of(") + permits + ")";
        this.permits = new Permits(permits, bounded ? permits : Integer.MAX_VALUE,
                bounded
                        ? () -> "release() called on " + description + " with all " + permits
                                + " permits already free; release only what you acquired"
                        : () -> "release() called on " + description + " would overflow the permit count");
    }

    /**
     * A semaphore with {@code permits} initial permits; {@link #release()} may raise the count
     * above that, as asyncio's {@code Semaphore} allows.
     *
     * @param permits the initial number of permits, {@code >= 0}
     * @return a new semaphore
     */
    public static AsyncSemaphore of(int permits) {
        return new AsyncSemaphore(Require.nonNegative(permits, "permits"), false);
    }

    /**
     * A semaphore that never holds more than {@code permits}: a {@link #release()} beyond that
     * throws {@link IllegalStateException}, as asyncio's {@code BoundedSemaphore} raises.
     *
     * @param permits the initial and maximum number of permits, {@code >= 0}
     * @return a new bounded semaphore
     */
    public static AsyncSemaphore bounded(int permits) {
        return new AsyncSemaphore(Require.nonNegative(permits, "permits"), true);
    }

    /**
     * A cold {@code Mono} that completes once the subscriber holds a permit. You must
     * {@link #release()} it; prefer {@link #withPermit}, which always does.
     *
     * <p><b>Completes when</b> a permit is granted, at once if one is free and nobody waits.
     * <b>On cancel</b> the waiter leaves the line; a permit granted at that very moment is
     * passed on. <b>Thread</b>: completes on the thread that subscribed (permit free) or on the
     * thread that released the permit.
     *
     * @return a Mono completing when a permit is held
     */
    public Mono<Void> acquire() {
        return permits.acquire();
    }

    /**
     * Takes a permit only if one is free and nobody is waiting for one.
     *
     * @return true if a permit was taken (release it later)
     */
    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /**
     * Returns a permit, to the longest waiter if there is one.
     *
     * @throws IllegalStateException for a {@link #bounded} semaphore whose permits are all free
     */
    public void release() {
        permits.release();
    }

    /**
     * Runs {@code work} while holding a permit ({@code async with semaphore:}): acquires,
     * subscribes to the Mono the supplier returns, and releases when it completes, fails or is
     * cancelled.
     *
     * <p><b>Emits when</b> the work emits. <b>Completes when</b> the work completes (after the
     * release). <b>Errors when</b> the work or its supplier fails (after the release). <b>On
     * cancel</b> cancels the work or the wait, and releases a held permit exactly once.
     * <b>Thread</b>: the supplier runs on the thread that granted the permit.
     *
     * @param work supplies the Mono to run under the permit, called once per subscription
     * @param <T> the work's value type
     * @return a cold Mono of the work's value
     */
    public <T> Mono<T> withPermit(Supplier<? extends Mono<? extends T>> work) {
        Require.nonNull(work, "work");
        return new ScopedMono<>(permits.acquire(), permits.releaser(), work);
    }

    /**
     * The permits free right now (a snapshot).
     *
     * @return the number of free permits
     */
    public int availablePermits() {
        return permits.available();
    }

    /**
     * Whether an {@link #acquire()} would wait right now (asyncio's {@code locked()}).
     *
     * @return true if no permit is free or others are already waiting
     */
    public boolean isLocked() {
        return permits.available() == 0 || permits.waiting() > 0;
    }

    /**
     * How many subscribers wait for a permit right now (a snapshot).
     *
     * @return the number of waiters
     */
    public int waitingCount() {
        return permits.waiting();
    }

    @Override
    public String toString() {
        return description + "[available=" + permits.available() + ", waiting=" + permits.waiting() + "]";
    }
}
