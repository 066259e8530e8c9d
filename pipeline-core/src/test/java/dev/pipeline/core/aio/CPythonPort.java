package dev.pipeline.core.aio;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.aio.internal.Trampoline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * What the ports of CPython's asyncio tests share: every port runs on a {@link VirtualTimeScheduler}
 * installed as Reactor's default (so {@code Tasks.sleep} and {@code Tasks.waitFor} use it), and the
 * test moves the clock with {@link #advance(double)}, as CPython's test loop does with
 * {@code advance_time}.
 *
 * <p>Each ported test names the CPython test it ports in a comment ({@code // CPython: file Class.test}).
 * A port tagged {@value #DIFFERS} asserts this library's documented behaviour where it differs on
 * purpose from CPython's (see docs/concepts.md, "Ported CPython tests"); every other port asserts
 * CPython's expectation.
 *
 * <p>asyncio's {@code create_task} schedules the coroutine; {@link Tasks#createTask} runs it at once,
 * up to its first wait. So the {@code await asyncio.sleep(0)} that CPython's tests use to "let the
 * tasks start" has nothing to wait for here, and is left out.
 */
@Tag("cpython")
abstract class CPythonPort {

    /** The tag of a port that asserts a documented, deliberate difference from CPython. */
    static final String DIFFERS = "differs-on-purpose";

    VirtualTimeScheduler clock;

    @BeforeEach
    void installVirtualTime() {
        clock = VirtualTimeScheduler.getOrSet();
    }

    @AfterEach
    void resetVirtualTime() {
        VirtualTimeScheduler.reset();
    }

    /** Moves the virtual clock, running every timer that falls due. */
    void advance(double seconds) {
        clock.advanceTimeBy(seconds(seconds));
    }

    /** The virtual time, in seconds since the test started. */
    double now() {
        return clock.now(TimeUnit.NANOSECONDS) / 1e9;
    }

    static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** {@code asyncio.sleep(seconds)} on the virtual clock. */
    static Mono<Void> sleep(double seconds) {
        return Tasks.sleep(seconds(seconds));
    }

    /** {@code asyncio.sleep(seconds, result)} on the virtual clock. */
    static <T> Mono<T> sleep(double seconds, T result) {
        return Tasks.sleep(seconds(seconds), result);
    }

    /**
     * Runs {@code callbacks} as one iteration of asyncio's loop runs the callbacks that are ready:
     * in order, each to its end, and whatever they wake (a released lock's waiter, a woken task)
     * only after all of them. That is how CPython's tests make two things happen "at the same
     * moment" ({@code loop.call_soon(a); loop.call_soon(b)}).
     */
    static void sameIteration(Runnable... callbacks) {
        Trampoline.scope(() -> {
            for (Runnable callback : callbacks) {
                Trampoline.execute(new Trampoline.Task() {
                    @Override
                    public void run() {
                        callback.run();
                    }
                });
            }
        });
    }

    /**
     * What {@code await task} raises for a task that is done: its failure, unwrapped from the
     * {@link CompletionException} that {@link Task#result()} puts around a checked one.
     */
    static Throwable failureOf(Task<?> task) {
        if (!task.isDone()) {
            throw new AssertionError("expected " + task + " to be done");
        }
        try {
            task.result();
        } catch (CompletionException e) {
            return e.getCause();
        } catch (RuntimeException | Error e) {
            return e;
        }
        throw new AssertionError("expected " + task + " to fail");
    }

    /** {@code asyncio.create_task(coro)}. */
    static <T> Task<T> createTask(Mono<T> coroutine) {
        return Tasks.createTask(coroutine);
    }
}
