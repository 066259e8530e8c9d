package dev.pipeline.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import reactor.core.scheduler.Scheduler;

/**
 * A monotonic nanosecond clock for measuring durations (busy time, call durations) that
 * follows virtual time: a scheduler that defines its own {@code now()} (reactor-test's
 * {@code VirtualTimeScheduler}) is read; otherwise (Reactor's schedulers, whose {@code now()}
 * is the wall clock in milliseconds) {@link System#nanoTime()} is.
 */
public final class Ticker {

    private static final ClassValue<Boolean> OWN_CLOCK = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("now", TimeUnit.class).getDeclaringClass() != Scheduler.class;
            } catch (NoSuchMethodException e) {
                return Boolean.FALSE;
            }
        }
    };

    private final Scheduler clock;

    private Ticker(Scheduler clock) {
        this.clock = clock;
    }

    /**
     * The ticker of a scheduler: its own clock if it has one, else {@link System#nanoTime()}.
     *
     * @param scheduler the scheduler whose time the durations follow
     * @return the ticker
     */
    public static Ticker of(Scheduler scheduler) {
        return hasOwnClock(scheduler) ? new Ticker(scheduler) : SYSTEM;
    }

    private static final Ticker SYSTEM = new Ticker(null);

    /** Whether the scheduler (unwrapping Reactor's cached wrapper) defines its own clock. */
    public static boolean hasOwnClock(Scheduler scheduler) {
        Scheduler target = scheduler;
        for (int i = 0; i < 8 && target instanceof Supplier; i++) {
            Object inner = ((Supplier<?>) target).get();
            if (!(inner instanceof Scheduler) || inner == target) {
                break;
            }
            target = (Scheduler) inner;
        }
        return OWN_CLOCK.get(target.getClass());
    }

    /** @return nanoseconds on this ticker's clock, for differences only */
    public long nanos() {
        return clock == null ? System.nanoTime() : clock.now(TimeUnit.NANOSECONDS);
    }
}
