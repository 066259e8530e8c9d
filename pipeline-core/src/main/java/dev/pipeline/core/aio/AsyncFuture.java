package dev.pipeline.core.aio;

import dev.pipeline.core.aio.internal.OutcomeCell;
import dev.pipeline.core.internal.Require;
import reactor.core.publisher.Mono;

/**
 * A write-once result that any number of subscribers can await: asyncio's {@code Future}.
 * Completed from outside with {@link #setResult}, {@link #setException} or {@link #cancel()}.
 *
 * <pre>{@code
 * AsyncFuture<String> reply = AsyncFuture.create();
 * reply.mono().subscribe(System.out::println);   // waits
 * reply.setResult("pong");                       // prints pong
 * }</pre>
 *
 * <p>Unlike {@link reactor.core.publisher.Sinks#one()}, setting a done future is an error (as
 * asyncio's {@code InvalidStateError}), and cancellation is a first-class outcome.
 *
 * @param <T> the value type
 * @see <a href="https://docs.python.org/3/library/asyncio-future.html#asyncio.Future">asyncio.Future</a>
 */
public final class AsyncFuture<T> {

    private final OutcomeCell<T> cell = new OutcomeCell<>("AsyncFuture was cancelled");

    private AsyncFuture() {
    }

    /**
     * A new pending future.
     *
     * @param <T> the value type
     * @return a pending future
     */
    public static <T> AsyncFuture<T> create() {
        return new AsyncFuture<>();
    }

    /**
     * Completes the future with a value and wakes every awaiter.
     *
     * @param value the result; null completes the awaiters' Monos empty
     * @throws IllegalStateException if the future is already done
     */
    public void setResult(T value) {
        if (!OutcomeCell.signal(cell.succeed(value))) {
            throw alreadyDone("setResult()");
        }
    }

    /**
     * Fails the future and every awaiter with {@code error}.
     *
     * @param error the failure
     * @throws IllegalStateException if the future is already done
     */
    public void setException(Throwable error) {
        Require.nonNull(error, "error");
        if (!OutcomeCell.signal(cell.fail(error))) {
            throw alreadyDone("setException()");
        }
    }

    /**
     * Cancels the future: awaiters fail with {@link java.util.concurrent.CancellationException}.
     *
     * @return true if this call cancelled it, false if it was already done
     */
    public boolean cancel() {
        return OutcomeCell.signal(cell.cancel());
    }

    /**
     * Whether the future has a result, a failure or was cancelled.
     *
     * @return true once done
     */
    public boolean isDone() {
        return cell.isDone();
    }

    /**
     * Whether the future was cancelled.
     *
     * @return true if cancelled
     */
    public boolean isCancelled() {
        return cell.state() == OutcomeCell.CANCELLED;
    }

    /**
     * Awaits the future ({@code await fut}): a cold Mono that emits the value, fails with the
     * failure or with {@link java.util.concurrent.CancellationException}. Cancelling one
     * awaiter affects nobody else: unlike {@link Task#join()} (and unlike asyncio, where a
     * cancelled {@code await fut} cancels {@code fut}), awaiting a future does not own it, so
     * whoever completes it can still do so after its awaiters gave up.
     *
     * <p><b>Emits when</b> the result is set (at once if it already is). <b>Thread</b>: the
     * thread that set the result, or the subscribing thread if it was already set.
     *
     * @return a Mono of the outcome
     */
    public Mono<T> mono() {
        return cell.mono();
    }

    private IllegalStateException alreadyDone(String op) {
        return new IllegalStateException(op + " called on an AsyncFuture that is already done (" + describe() + ")");
    }

    private String describe() {
        switch (cell.state()) {
            case OutcomeCell.SUCCEEDED: return "succeeded";
            case OutcomeCell.FAILED: return "failed: " + cell.error();
            case OutcomeCell.CANCELLED: return "cancelled";
            default: return "pending";
        }
    }

    @Override
    public String toString() {
        return "AsyncFuture[" + describe() + ", awaiters=" + cell.awaiterCount() + "]";
    }
}
