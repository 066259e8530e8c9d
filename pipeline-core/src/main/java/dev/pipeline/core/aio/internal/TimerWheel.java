package dev.pipeline.core.aio.internal;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.internal.Ticker;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Timers for {@link SleepMono}, coalesced: sleeps whose deadlines fall in the same bucket share
 * one task on the {@link Scheduler}, so 100,000 concurrent one-second sleeps cost a few
 * thousand scheduled tasks, not 100,000 (the idea of asyncio's clock resolution and of
 * Netty's timer wheel).
 *
 * <p>The clock: a scheduler that defines its own {@code now()} (such as reactor-test's
 * {@code VirtualTimeScheduler}) is trusted, and buckets are exact deadlines on that clock, so
 * virtual time is exact. Otherwise (Reactor's schedulers, whose {@code now()} is the wall clock
 * in milliseconds) the monotonic {@link System#nanoTime()} is used with buckets of
 * {@value #RESOLUTION_NANOS} ns: a sleep never ends early and at most that much late, plus the
 * scheduler's own latency.
 */
final class TimerWheel {

    static final long RESOLUTION_NANOS = 100_000L;

    private static final Map<Scheduler, TimerWheel> WHEELS = Collections.synchronizedMap(new WeakHashMap<>());
    private static volatile Last last;

    private final boolean schedulerClock;
    private final long resolution;
    private final ConcurrentHashMap<Long, Bucket> buckets = new ConcurrentHashMap<>();
    /**
     * The bucket a sleep was last added to: sleeps started together share a deadline bucket,
     * so most adds find theirs here, with no map lookup and no boxed key.
     */
    private volatile Bucket recent;

    private TimerWheel(boolean schedulerClock) {
        this.schedulerClock = schedulerClock;
        this.resolution = schedulerClock ? 1L : RESOLUTION_NANOS;
    }

    static TimerWheel of(Scheduler scheduler) {
        Last l = last;
        if (l != null && l.scheduler.get() == scheduler) {
            return l.wheel;
        }
        TimerWheel w = WHEELS.computeIfAbsent(scheduler, s -> new TimerWheel(Ticker.hasOwnClock(s)));
        last = new Last(scheduler, w);
        return w;
    }

    private long now(Scheduler scheduler) {
        return schedulerClock ? scheduler.now(TimeUnit.NANOSECONDS) : System.nanoTime();
    }

    void add(Scheduler scheduler, SleepMono.Sleep sleeper, long delayNanos) {
        long now = now(scheduler);
        long deadline = now + delayNanos;
        if (deadline < now) {
            deadline = Long.MAX_VALUE - resolution;
        }
        long key = ceilDiv(deadline, resolution);
        Bucket r = recent;
        if (r != null && r.key == key && r.add(sleeper)) {
            return;
        }
        for (;;) {
            Bucket b = buckets.get(key);
            boolean created = false;
            if (b == null) {
                Bucket fresh = new Bucket(key);
                b = buckets.putIfAbsent(key, fresh);
                if (b == null) {
                    b = fresh;
                    created = true;
                }
            }
            if (b.add(sleeper)) {
                recent = b;
                if (created) {
                    b.schedule(scheduler, Math.max(0L, key * resolution - now(scheduler)));
                }
                return;
            }
            buckets.remove(key, b);
        }
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    /** Sleepers sharing one deadline bucket and one scheduled task. */
    final class Bucket implements Runnable {
        private final long key;
        private SleepMono.Sleep head;
        private SleepMono.Sleep tail;
        private int size;
        private boolean closed;
        private volatile Disposable task;
        /** Why the scheduler refused this bucket's timer, read by its sleepers as they fire. */
        volatile Throwable rejected;

        Bucket(long key) {
            this.key = key;
        }

        synchronized boolean add(SleepMono.Sleep s) {
            if (closed) {
                return false;
            }
            if (!s.isPending()) {
                return true;
            }
            s.prev = tail;
            s.next = null;
            if (tail == null) {
                head = s;
            } else {
                tail.next = s;
            }
            tail = s;
            size++;
            s.bucket = this;
            return true;
        }

        void remove(SleepMono.Sleep s) {
            synchronized (this) {
                if (closed || s.bucket != this) {
                    return;
                }
                unlink(s);
                if (size != 0) {
                    return;
                }
                closed = true;
            }
            buckets.remove(key, this);
            Disposable d = task;
            if (d != null) {
                d.dispose();
            }
        }

        private void unlink(SleepMono.Sleep s) {
            SleepMono.Sleep p = s.prev;
            SleepMono.Sleep n = s.next;
            if (p == null) {
                head = n;
            } else {
                p.next = n;
            }
            if (n == null) {
                tail = p;
            } else {
                n.prev = p;
            }
            s.prev = null;
            s.next = null;
            s.bucket = null;
            size--;
        }

        void schedule(Scheduler scheduler, long delayNanos) {
            try {
                task = scheduler.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                fire(e);
            }
        }

        @Override
        public void run() {
            fire(null);
        }

        private void fire(Throwable refused) {
            SleepMono.Sleep chain;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                chain = head;
                head = null;
                tail = null;
                size = 0;
            }
            buckets.remove(key, this);
            rejected = refused;
            SleepMono.Sleep first = chain;
            Trampoline.scope(() -> {
                for (SleepMono.Sleep s = first; s != null; ) {
                    SleepMono.Sleep n = s.next;
                    s.prev = null;
                    s.next = null;
                    s.fire();
                    s = n;
                }
            });
        }
    }

    private static final class Last {
        final WeakReference<Scheduler> scheduler;
        final TimerWheel wheel;

        Last(Scheduler scheduler, TimerWheel wheel) {
            this.scheduler = new WeakReference<>(scheduler);
            this.wheel = wheel;
        }
    }
}
