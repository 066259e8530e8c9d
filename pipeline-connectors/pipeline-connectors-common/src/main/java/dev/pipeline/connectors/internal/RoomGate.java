package dev.pipeline.connectors.internal;

import java.util.function.BooleanSupplier;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * Where a checkpointed source waits for room to read on: at most one waiter (the source reads
 * one item at a time), let go on its own scheduler, never inside the callback that made room.
 * The room condition is the owner's, read under the owner's lock. Not API.
 */
public final class RoomGate {

    private final Object lock;
    private final BooleanSupplier hasRoom;
    private final Scheduler scheduler;
    /** The source waiting for room, or null; guarded by {@code lock}. */
    private MonoSink<Void> waiter;
    /** Once set, every wait fails with it; guarded by {@code lock}. */
    private RuntimeException failure;

    /**
     * @param lock the owner's lock, held while {@code hasRoom} is read
     * @param hasRoom whether the source may read another item now
     * @param scheduler where a waiting source goes on
     */
    public RoomGate(Object lock, BooleanSupplier hasRoom, Scheduler scheduler) {
        this.lock = lock;
        this.hasRoom = hasRoom;
        this.scheduler = scheduler;
    }

    /** Completes at once when there is room, else on the scheduler once {@link #recheck()} finds some; fails after {@link #fail}. */
    public Mono<Void> await() {
        return Mono.create(sink -> {
            boolean now;
            RuntimeException failed;
            synchronized (lock) {
                failed = failure;
                now = failed == null && hasRoom.getAsBoolean();
                if (!now && failed == null) {
                    waiter = sink;
                }
            }
            if (failed != null) {
                sink.error(failed);
            } else if (now) {
                sink.success();
            } else {
                sink.onDispose(() -> {
                    synchronized (lock) {
                        if (waiter == sink) {
                            waiter = null;
                        }
                    }
                });
            }
        });
    }

    /** Lets the waiting source go on (on the scheduler) if there is room now. */
    public void recheck() {
        MonoSink<Void> resume = null;
        synchronized (lock) {
            if (waiter != null && hasRoom.getAsBoolean()) {
                resume = waiter;
                waiter = null;
            }
        }
        if (resume != null) {
            scheduler.schedule(resume::success);
        }
    }

    /** Fails the waiting source, and every later wait, with {@code e}. */
    public void fail(RuntimeException e) {
        MonoSink<Void> stalled;
        synchronized (lock) {
            failure = e;
            stalled = waiter;
            waiter = null;
        }
        if (stalled != null) {
            stalled.error(e);
        }
    }
}
