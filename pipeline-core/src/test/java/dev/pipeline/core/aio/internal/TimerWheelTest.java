package dev.pipeline.core.aio.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timer wheel's precision on a clock the test moves: a sleep never ends before its
 * deadline, ends within one bucket ({@link TimerWheel#RESOLUTION_NANOS}) of it plus the
 * scheduler's lateness, and a bucket's timer is set for its first deadline, not for the end of
 * the bucket (which made every sleep up to 0.1 ms late before the scheduler's own latency).
 */
class TimerWheelTest {

    private static final long RES = TimerWheel.RESOLUTION_NANOS;

    /** A clock and a scheduler that only records what it is asked to run, and when. */
    private static final class Sim implements Scheduler {
        long now;
        long seq;
        final PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        final List<Runnable> tasks = new ArrayList<>();
        final List<Long> delays = new ArrayList<>();

        @Override
        public Disposable schedule(Runnable task) {
            return schedule(task, 0, TimeUnit.NANOSECONDS);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            long nanos = unit.toNanos(delay);
            delays.add(nanos);
            tasks.add(task);
            long[] entry = {now + nanos, seq++, tasks.size() - 1};
            due.add(entry);
            return () -> due.remove(entry);
        }

        @Override
        public Worker createWorker() {
            throw new UnsupportedOperationException();
        }

        /** Runs the earliest timer, {@code lateness} ns after it was due; false if none is set. */
        boolean runNext(long lateness) {
            long[] next = due.poll();
            if (next == null) {
                return false;
            }
            now = Math.max(now, next[0] + lateness);
            tasks.get((int) next[2]).run();
            return true;
        }

        /** Moves the clock to {@code target}, running on the way every timer due by then. */
        void advanceTo(long target, Random random, long maxLateness) {
            while (!due.isEmpty() && due.peek()[0] <= target) {
                runNext(random.nextInt((int) maxLateness + 1));
            }
            now = Math.max(now, target);
        }
    }

    /** A sleep that records the clock when it ends. */
    private static final class Probe extends SleepMono.Sleep {
        final Sim sim;
        final long deadline;
        long endedAt = -1;
        int ends;

        Probe(Sim sim, long delay) {
            this.sim = sim;
            this.deadline = sim.now + delay;
        }

        @Override
        boolean needsDemand() {
            return false;
        }

        @Override
        void deliver(Throwable rejected) {
            endedAt = sim.now;
            ends++;
        }
    }

    private static Probe add(TimerWheel wheel, Sim sim, long delay) {
        Probe p = new Probe(sim, delay);
        wheel.add(sim, p, delay);
        return p;
    }

    @Test
    void aBucketsTimerIsSetForItsFirstDeadlineNotForTheEndOfTheBucket() {
        Sim sim = new Sim();
        sim.now = 1_000_000_000L + 30_000L; // 30 µs into a bucket
        TimerWheel wheel = new TimerWheel(() -> sim.now, RES);
        Probe p = add(wheel, sim, 10_000_000L);

        assertThat(sim.delays).as("one timer, for the deadline itself").containsExactly(10_000_000L);
        sim.runNext(0);
        assertThat(p.endedAt).as("ends at its deadline").isEqualTo(p.deadline);
    }

    @Test
    void aSleepThatJoinedTheBucketLaterIsNotEndedEarlyByTheBucketsTimer() {
        Sim sim = new Sim();
        sim.now = 1_000_000_000L + 30_000L;
        TimerWheel wheel = new TimerWheel(() -> sim.now, RES);
        Probe first = add(wheel, sim, 10_000_000L);
        sim.now += 40_000L; // 40 µs later: its deadline falls in the same bucket
        Probe second = add(wheel, sim, 10_000_000L);
        assertThat(sim.delays).as("the two share one timer").hasSize(1);

        sim.runNext(0); // on time for the first deadline
        assertThat(second.ends).as("the second is not due yet").isZero();
        assertThat(first.ends).as("the bucket ends together").isZero();
        assertThat(sim.delays).as("the timer is set again for the rest").containsExactly(10_000_000L, 40_000L);

        sim.runNext(0);
        assertThat(second.endedAt).isEqualTo(second.deadline);
        assertThat(first.endedAt - first.deadline).as("the first is late by the bucket's spread only")
                .isEqualTo(40_000L).isLessThanOrEqualTo(RES);
        assertThat(wheel.bucketCount()).isZero();
    }

    @Test
    void sleepsOfAFewLengthsStartedTogetherShareOneTimerPerLength() {
        Sim sim = new Sim();
        sim.now = 5_000_000_000L;
        TimerWheel wheel = new TimerWheel(() -> sim.now, RES);
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 11_000; i++) {
            probes.add(add(wheel, sim, (1 + i % 11) * 1_000_000L));
        }
        assertThat(wheel.bucketCount()).isEqualTo(11);
        assertThat(sim.delays).hasSize(11);
        while (sim.runNext(0)) {
            // run every timer on time
        }
        assertThat(probes).allSatisfy(p -> {
            assertThat(p.ends).isEqualTo(1);
            assertThat(p.endedAt).isEqualTo(p.deadline);
        });
    }

    @Test
    void noSleepEndsEarlyAndNoneLaterThanOneBucketPlusTheSchedulersLateness() {
        long maxLateness = 50_000L;
        Random random = new Random(15);
        for (int run = 0; run < 200; run++) {
            Sim sim = new Sim();
            sim.now = random.nextInt(1_000_000_000);
            TimerWheel wheel = new TimerWheel(() -> sim.now, RES);
            List<Probe> live = new ArrayList<>();
            List<Probe> cancelled = new ArrayList<>();
            for (int step = 0; step < 400; step++) {
                int what = random.nextInt(10);
                if (what < 5) {
                    live.add(add(wheel, sim, random.nextInt(3_000_000)));
                } else if (what < 6 && !live.isEmpty()) {
                    Probe p = live.get(random.nextInt(live.size()));
                    if (p.ends == 0 && p.cancelled()) {
                        live.remove(p);
                        cancelled.add(p);
                    }
                } else if (what < 8) {
                    sim.advanceTo(sim.now + random.nextInt(60_000), random, maxLateness);
                } else {
                    sim.runNext(random.nextInt((int) maxLateness + 1));
                }
            }
            while (sim.runNext(random.nextInt((int) maxLateness + 1))) {
                // drain every timer
            }
            assertThat(live).allSatisfy(p -> {
                assertThat(p.ends).as("ends exactly once").isEqualTo(1);
                assertThat(p.endedAt).as("never before its deadline").isGreaterThanOrEqualTo(p.deadline);
                assertThat(p.endedAt - p.deadline).as("within a bucket plus the lateness")
                        .isLessThanOrEqualTo(RES + maxLateness);
            });
            assertThat(cancelled).allSatisfy(p -> assertThat(p.ends).as("a cancelled sleep never ends").isZero());
            assertThat(wheel.bucketCount()).isZero();
        }
    }
    @Test
    void ceilDivRoundsUpForEverySign() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long x = i < 50_000 ? random.nextLong() : random.nextInt(2_000_001) - 1_000_000L;
            long y = i % 3 == 0 ? RES : 1 + random.nextInt(1_000_000);
            assertThat(TimerWheel.ceilDiv(x, y)).as("%d / %d", x, y).isEqualTo(-Math.floorDiv(-x, y));
        }
        assertThat(TimerWheel.ceilDiv(Long.MAX_VALUE, RES)).isEqualTo(-Math.floorDiv(-Long.MAX_VALUE, RES));
        assertThat(TimerWheel.ceilDiv(Long.MIN_VALUE, RES)).isEqualTo(Long.MIN_VALUE / RES);
        assertThat(TimerWheel.ceilDiv(-RES, RES)).isEqualTo(-1L);
        assertThat(TimerWheel.ceilDiv(-RES + 1, RES)).isZero();
        assertThat(TimerWheel.ceilDiv(1, RES)).isEqualTo(1L);
    }

    /** A sleep that records its end, and on its end starts a zero-delay sleep (a hand-off). */
    private static final class Recorder extends SleepMono.Sleep {
        final List<String> log;
        final String name;
        final boolean handOff;

        Recorder(List<String> log, String name, boolean handOff) {
            this.log = log;
            this.name = name;
            this.handOff = handOff;
        }

        @Override
        boolean needsDemand() {
            return false;
        }

        @Override
        void deliver(Throwable rejected) {
            log.add(name + (Trampoline.isDraining() ? "" : " outside the trampoline"));
            if (handOff) {
                new SleepMono<>(0, null, null).start(new Recorder(log, name + "'s hand-off", false));
            }
        }
    }

    @Test
    void aBucketEndsItsSleepsInOrderAndTheirHandOffsAfterAllOfThem() {
        Sim sim = new Sim();
        sim.now = 1_000_000_000L;
        TimerWheel wheel = new TimerWheel(() -> sim.now, RES);
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            wheel.add(sim, new Recorder(log, "s" + i, i < 2), 10_000_000L);
        }
        assertThat(sim.delays).hasSize(1);

        sim.runNext(0);
        assertThat(log).containsExactly("s0", "s1", "s2", "s0's hand-off", "s1's hand-off");
        assertThat(Trampoline.isDraining()).isFalse();
        assertThat(wheel.bucketCount()).isZero();
    }

    @Test
    void aBucketEndedInsideAHandOffQueuesItsSleepsBehindIt() {
        Sim sim = new Sim();
        sim.now = 1_000_000_000L;
        TimerWheel wheel = new TimerWheel(() -> sim.now, RES);
        List<String> log = new ArrayList<>();
        wheel.add(sim, new Recorder(log, "s0", false), 10_000_000L);
        wheel.add(sim, new Recorder(log, "s1", false), 10_000_000L);
        sim.now += 10_000_000L;

        Trampoline.scope(() -> {
            sim.runNext(0); // the timer runs inside another hand-off (an inline scheduler)
            log.add("the running hand-off returns");
        });
        assertThat(log).containsExactly("the running hand-off returns", "s0", "s1");
    }
}
