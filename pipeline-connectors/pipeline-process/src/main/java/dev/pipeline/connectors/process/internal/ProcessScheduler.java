package dev.pipeline.connectors.process.internal;

import dev.pipeline.core.aio.AsyncSemaphore;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The shared scheduler of blocking pipe I/O: bounded elastic, created on first use, its threads
 * daemons named {@code pipeline-process}. Each running process needs up to three of its threads
 * at once (stdin writer, stdout reader, stderr drain), so the cap is generous: 64 threads, or
 * 16 per core if more. Its task queue is bounded too.
 *
 * <p>Since a process holds its threads for its whole life (blocked in pipe reads and writes),
 * more processes than the threads can serve would deadlock: a process's stdout reader queued
 * behind other processes' blocked writers never runs. So the processes running on the shared
 * scheduler at once are capped at {@link #MAX_RUNNING} by {@link #gate()}; a further run waits
 * (without a thread) for one to end, whatever concurrency the stage asks for.
 */
public final class ProcessScheduler {

    private static final int THREADS = Math.max(64, 16 * Runtime.getRuntime().availableProcessors());
    private static final int QUEUED_TASKS = 10_000;
    /** Threads a running process may hold at once: stdin writer, stdout reader, stderr drain. */
    private static final int THREADS_PER_PROCESS = 3;
    /**
     * How many processes may run on the shared scheduler at once: its threads divided by three,
     * less one process's worth of slack for stderr drains still ending after their process.
     */
    public static final int MAX_RUNNING = THREADS / THREADS_PER_PROCESS - 1;

    private ProcessScheduler() {
    }

    private static final class Holder {
        static final Scheduler SHARED = Schedulers.newBoundedElastic(THREADS, QUEUED_TASKS, "pipeline-process", 60, true);
        static final AsyncSemaphore GATE = AsyncSemaphore.bounded(MAX_RUNNING);
    }

    /**
     * The shared scheduler.
     *
     * @return the scheduler
     */
    public static Scheduler shared() {
        return Holder.SHARED;
    }

    /**
     * The permits of the processes running on the shared scheduler ({@link #MAX_RUNNING}).
     *
     * @return the gate
     */
    public static AsyncSemaphore gate() {
        return Holder.GATE;
    }
}
