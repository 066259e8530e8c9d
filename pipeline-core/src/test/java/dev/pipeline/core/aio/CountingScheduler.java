package dev.pipeline.core.aio;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/** Delegates to a scheduler and counts delayed tasks scheduled and disposed. */
final class CountingScheduler implements Scheduler {

    final Scheduler delegate;
    final AtomicInteger scheduled = new AtomicInteger();
    final AtomicInteger disposed = new AtomicInteger();

    CountingScheduler(Scheduler delegate) {
        this.delegate = delegate;
    }

    @Override
    public Disposable schedule(Runnable task) {
        return delegate.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        scheduled.incrementAndGet();
        Disposable d = delegate.schedule(task, delay, unit);
        return () -> {
            disposed.incrementAndGet();
            d.dispose();
        };
    }

    @Override
    public long now(TimeUnit unit) {
        return delegate.now(unit);
    }

    @Override
    public Worker createWorker() {
        return delegate.createWorker();
    }
}
