package dev.pipeline.core.aio;

import java.time.Instant;

/**
 * The deadline of one run of a {@link Tasks#timeout Tasks.timeout} or
 * {@link Tasks#timeoutAt timeoutAt} scope: asyncio's {@code Timeout}, the object that
 * {@code async with asyncio.timeout(d) as cm:} binds to {@code cm}. The scope's body receives
 * it and may move the deadline while it runs; it is thread-safe, so anyone the body hands it to
 * may too.
 *
 * <pre>{@code
 * Mono<Reply> reply = Tasks.timeout(Duration.ofSeconds(1), cm -> connect()
 *         .doOnNext(c -> cm.reschedule(cm.when().plusSeconds(10)))   // connected: allow 10 s more
 *         .flatMap(Connection::query));
 * }</pre>
 *
 * <p>Instants are on the clock of the scope's scheduler ({@code scheduler.now()}): the wall
 * clock for Reactor's own schedulers, virtual time under {@code StepVerifier.withVirtualTime}
 * (which starts at {@link Instant#EPOCH}). The time left is measured from when a deadline is
 * set, on the monotonic clock, so a later change of the wall clock does not move it.
 *
 * @see <a href="https://docs.python.org/3/library/asyncio-task.html#asyncio.Timeout">asyncio.Timeout</a>
 */
public final class Timeout {

    /** No deadline ({@code when=None}): the scope never expires until it is rescheduled. */
    public static final Instant NEVER = Instant.MAX;

    private final TimeoutRun<?> run;

    Timeout(TimeoutRun<?> run) {
        this.run = run;
    }

    /**
     * The current deadline ({@code cm.when()}).
     *
     * @return the deadline, or {@link #NEVER}
     */
    public Instant when() {
        return run.when();
    }

    /**
     * Moves the deadline ({@code cm.reschedule(when)}): to a later or an earlier instant, or to
     * {@link #NEVER}. A deadline already past expires the scope at once.
     *
     * @param when the new deadline on the scheduler's clock, or {@link #NEVER}
     * @throws IllegalStateException if the scope has expired or finished (asyncio's
     *     {@code RuntimeError})
     */
    public void reschedule(Instant when) {
        if (when == null) {
            throw new NullPointerException("when must not be null; to disable the deadline "
                    + "(asyncio's reschedule(None)), pass Timeout.NEVER");
        }
        run.reschedule(when);
    }

    /**
     * Whether the deadline passed while the body ran ({@code cm.expired()}): true once the scope
     * has cancelled its body and failed with {@link DeadlineExceededException}.
     *
     * @return true if the scope expired
     */
    public boolean expired() {
        return run.expired();
    }

    @Override
    public String toString() {
        return "Timeout[" + run.describe() + "]";
    }
}
