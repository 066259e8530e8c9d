package dev.pipeline.core.aio;

import java.util.function.Supplier;

import dev.pipeline.core.aio.internal.Permits;
import dev.pipeline.core.aio.internal.ScopedMono;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Mono;

/**
 * A mutual-exclusion lock whose {@link #acquire()} is a pending {@code Mono} instead of a
 * parked thread: asyncio's {@code Lock}.
 *
 * <pre>{@code
 * AsyncLock lock = AsyncLock.create();
 * Mono<Integer> next = lock.withLock(() -> Mono.fromCallable(() -> ++counter));
 * }</pre>
 *
 * <p>Like asyncio's lock it has no owner: any code may release it, and it is not reentrant.
 * Unlike asyncio's it is safe across threads, not just across coroutines of one loop. Waiters
 * are served in arrival order; a cancelled waiter leaves nothing behind, and the lock handed
 * to a waiter at the very moment it cancels is passed on.
 *
 * @see <a href="https://docs.python.org/3/library/asyncio-sync.html#asyncio.Lock">asyncio.Lock</a>
 * @see AsyncSemaphore
 * @see AsyncCondition
 */
public final class AsyncLock {

    private final Permits permits =
            new Permits(1, 1, () -> "release() called on an unlocked AsyncLock; release only what you acquired");

    private AsyncLock() {
    }

    /**
     * A new, unlocked lock.
     *
     * @return a new lock
     */
    public static AsyncLock create() {
        return new AsyncLock();
    }

    /**
     * A cold {@code Mono} that completes once the subscriber holds the lock. You must
     * {@link #release()} it; prefer {@link #withLock}, which always does.
     *
     * <p><b>Completes when</b> the lock is granted. <b>On cancel</b> leaves the line; a lock
     * granted at that very moment is passed on. <b>Thread</b>: the subscribing thread (lock
     * free) or the thread that released it.
     *
     * @return a Mono completing when the lock is held
     */
    public Mono<Void> acquire() {
        return permits.acquire();
    }

    /**
     * Takes the lock only if it is free and nobody is waiting for it.
     *
     * @return true if the lock was taken (release it later)
     */
    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /**
     * Releases the lock, handing it to the longest waiter if there is one.
     *
     * @throws IllegalStateException if the lock is not locked
     */
    public void release() {
        permits.release();
    }

    /**
     * Runs {@code work} while holding the lock ({@code async with lock:}), releasing it when the
     * work completes, fails or is cancelled.
     *
     * <p><b>Emits when</b> the work emits. <b>Completes when</b> the work completes (after the
     * release). <b>Errors when</b> the work or its supplier fails (after the release). <b>On
     * cancel</b> cancels the work or the wait and releases a held lock exactly once.
     * <b>Thread</b>: the supplier runs on the thread that granted the lock.
     *
     * @param work supplies the Mono to run under the lock, called once per subscription
     * @param <T> the work's value type
     * @return a cold Mono of the work's value
     */
    public <T> Mono<T> withLock(Supplier<? extends Mono<? extends T>> work) {
        Require.nonNull(work, "work");
        return new ScopedMono<>(permits.acquire(), permits.releaser(), work);
    }

    /**
     * Whether the lock is held right now (a snapshot).
     *
     * @return true if locked
     */
    public boolean isLocked() {
        return permits.available() == 0;
    }

    Permits permits() {
        return permits;
    }

    @Override
    public String toString() {
        return "AsyncLock[" + (isLocked() ? "locked" : "unlocked") + ", waiting=" + permits.waiting() + "]";
    }
}
