package dev.pipeline.core.aio.internal;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

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
 * {@value #RESOLUTION_NANOS} ns.
 *
 * <p>Precision: a bucket's timer is set for the deadline of its first sleep, not for the end
 * of the bucket, and the bucket remembers the latest deadline among its sleeps. When the timer
 * runs before that latest deadline (a sleep joined the bucket after it was set, and the timer
 * was on time), it is set again for the rest; otherwise every sleep in the bucket ends. So a
 * sleep never ends early, and ends at most {@value #RESOLUTION_NANOS} ns after its deadline
 * (the spread of the bucket), plus the scheduler's own wake-up latency; sleeps started
 * together, as a burst of hand-offs starts them, end together and on time. (Rounding every
 * deadline up to the end of its bucket made a 10 ms sleep take 10.05 ms on average before the
 * scheduler's latency, which a chain of 100 such sleeps pays 100 times.)
 *
 * <p>The wheel finds a sleep's bucket in a small direct-mapped table indexed by the bucket's
 * key before its map, so that sleeps of a few different lengths started together (S4's 0 to
 * 10 ms) find their buckets without a boxed key or a hash lookup.
 */
final class TimerWheel {

    static final long RESOLUTION_NANOS = 100_000L;

    private static final Map<Scheduler, TimerWheel> WHEELS = Collections.synchronizedMap(new WeakHashMap<>());
    private static volatile Last last;

    /** Slots of {@link #recent}, a power of two. */
    private static final int RECENT_SLOTS = 64;

    private final boolean schedulerClock;
    /** The clock when it is not the scheduler's own: a test's, or null for System.nanoTime. */
    private final LongSupplier clock;
    private final long resolution;
    private final ConcurrentHashMap<Long, Bucket> buckets = new ConcurrentHashMap<>();
    /**
     * Buckets sleeps were recently added to, at {@code key & (RECENT_SLOTS - 1)}: sleeps started
     * together share a few deadline buckets, so most adds find theirs here, with no map lookup
     * and no boxed key. Read and written without synchronisation: an entry is only a hint,
     * checked against its final {@code key} and its {@code closed} flag (under its monitor).
     */
    private final Bucket[] recent = new Bucket[RECENT_SLOTS];

    private TimerWheel(boolean schedulerClock) {
        this(schedulerClock, null, schedulerClock ? 1L : RESOLUTION_NANOS);
    }

    /** A wheel on {@code clock} with buckets of {@code resolution} ns (tests pass their own clock). */
    TimerWheel(LongSupplier clock, long resolution) {
        this(false, clock, resolution);
    }

    private TimerWheel(boolean schedulerClock, LongSupplier clock, long resolution) {
        this.schedulerClock = schedulerClock;
        this.clock = clock;
        this.resolution = resolution;
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
        if (schedulerClock) {
            return scheduler.now(TimeUnit.NANOSECONDS);
        }
        // no LongSupplier on the default clock: one interface call less per sleep while interpreted
        return clock == null ? System.nanoTime() : clock.getAsLong();
    }

    void add(Scheduler scheduler, SleepMono.Sleep sleeper, long delayNanos) {
        long now = now(scheduler);
        long deadline = now + delayNanos;
        if (deadline < now) {
            deadline = Long.MAX_VALUE - resolution;
        }
        long key = ceilDiv(deadline, resolution);
        int slot = (int) key & (RECENT_SLOTS - 1);
        Bucket r = recent[slot];
        if (r != null && r.key == key && r.add(sleeper, deadline)) {
            return;
        }
        for (;;) {
            Bucket b = buckets.get(key);
            boolean created = false;
            if (b == null) {
                Bucket fresh = new Bucket(key, scheduler, deadline);
                b = buckets.putIfAbsent(key, fresh);
                if (b == null) {
                    b = fresh;
                    created = true;
                }
            }
            if (b.add(sleeper, deadline)) {
                recent[slot] = b;
                if (created) {
                    // set for this first deadline, not the bucket's end: see the class comment
                    b.schedule(Math.max(0L, deadline - now(scheduler)));
                }
                return;
            }
            buckets.remove(key, b);
        }
    }

    /** How many buckets hold sleeps now (for tests). */
    int bucketCount() {
        return buckets.size();
    }

    /** {@code ceil(x / y)} for {@code y > 0} and any {@code x} (deadlines on nanoTime may be negative). */
    static long ceilDiv(long x, long y) {
        long q = x / y; // rounds towards zero: up for x < 0, down for x > 0
        return x > 0 && q * y != x ? q + 1 : q;
    }

    /** Sleepers sharing one deadline bucket and one scheduled task. */
    final class Bucket implements Runnable {
        private final long key;
        private final Scheduler scheduler;
        private SleepMono.Sleep head;
        private SleepMono.Sleep tail;
        private int size;
        private boolean closed;
        /** The latest deadline among the sleeps added (on the wheel's clock): none ends before it. */
        private long due;
        private volatile Disposable task;
        /** Why the scheduler refused this bucket's timer, read by its sleepers as they fire. */
        volatile Throwable rejected;

        Bucket(long key, Scheduler scheduler, long firstDeadline) {
            this.key = key;
            this.scheduler = scheduler;
            this.due = firstDeadline;
        }

        synchronized boolean add(SleepMono.Sleep s, long deadline) {
            if (closed) {
                return false;
            }
            if (!s.isPending()) {
                return true;
            }
            if (deadline > due) {
                due = deadline;
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

        void schedule(long delayNanos) {
            try {
                task = scheduler.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                fire(e);
            }
        }

        @Override
        public void run() {
            SleepMono.Sleep chain;
            long early;
            synchronized (this) {
                if (closed) {
                    return;
                }
                early = due - now(scheduler);
                chain = early > 0 ? null : close();
            }
            if (early > 0) {
                // a sleep joined after the timer was set and is not due yet: none ends early
                schedule(early);
                return;
            }
            end(chain, null);
        }

        private void fire(Throwable refused) {
            SleepMono.Sleep chain;
            synchronized (this) {
                if (closed) {
                    return;
                }
                chain = close();
            }
            end(chain, refused);
        }

        /** Under the monitor: no more sleeps join; returns the ones to end. */
        private SleepMono.Sleep close() {
            closed = true;
            SleepMono.Sleep chain = head;
            head = null;
            tail = null;
            size = 0;
            return chain;
        }

        /**
         * Ends the sleeps in {@code chain}: they are handed to this thread's trampoline as one
         * run of tasks, in order (one thread-local lookup per bucket, not one per sleep), so
         * the hand-offs their deliveries make run after all of them, as before.
         */
        private void end(SleepMono.Sleep chain, Throwable refused) {
            buckets.remove(key, this);
            rejected = refused;
            if (chain == null) {
                return;
            }
            SleepMono.Sleep last = chain;
            for (SleepMono.Sleep s = chain; s != null; ) {
                SleepMono.Sleep n = s.next;
                s.prev = null;
                s.next = null;
                s.trampolineNext = n;
                last = s;
                s = n;
            }
            Trampoline.executeAll(chain, last);
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
