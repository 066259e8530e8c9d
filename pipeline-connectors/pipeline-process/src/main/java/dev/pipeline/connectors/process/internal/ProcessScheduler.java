package dev.pipeline.connectors.process.internal;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The shared scheduler of blocking pipe I/O: bounded elastic, created on first use, its threads
 * daemons named {@code pipeline-process}. Each running process needs up to three of its threads
 * at once (stdin writer, stdout reader, stderr drain), so the cap is generous: 64 threads, or
 * 16 per core if more. Its task queue is bounded too.
 */
public final class ProcessScheduler {

    private static final int THREADS = Math.max(64, 16 * Runtime.getRuntime().availableProcessors());
    private static final int QUEUED_TASKS = 10_000;

    private ProcessScheduler() {
    }

    private static final class Holder {
        static final Scheduler SHARED = Schedulers.newBoundedElastic(THREADS, QUEUED_TASKS, "pipeline-process", 60, true);
    }

    /**
     * The shared scheduler.
     *
     * @return the scheduler
     */
    public static Scheduler shared() {
        return Holder.SHARED;
    }
}
