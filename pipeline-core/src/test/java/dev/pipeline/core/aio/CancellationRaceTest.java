package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.pipeline.core.testing.Races;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Grants racing cancellations, on many threads for thousands of iterations. Every hand-off runs
 * on these threads (no scheduler), so once {@link Races#run} returns the primitives are quiet
 * and their counts must reconcile exactly.
 */
class CancellationRaceTest {

    private static final int THREADS = 8;
    private static final int ITERATIONS = 5_000;

    /** Records every signal; hands what it was granted to a callback at once, from onComplete. */
    static final class Recorder<T> implements CoreSubscriber<T> {
        final Consumer<T> onGranted;
        volatile Subscription subscription;
        final AtomicInteger signals = new AtomicInteger();
        volatile T value;

        Recorder(Consumer<T> onGranted) {
            this.onGranted = onGranted;
        }

        static <T> Recorder<T> then(Runnable onGranted) {
            return new Recorder<>(v -> onGranted.run());
        }

        @Override
        public void onSubscribe(Subscription s) {
            // no request yet: a grant made before the request waits undelivered, which is
            // exactly the state a racing cancel must hand back
            subscription = s;
        }

        /** Requests, cancels, or requests then cancels, at random. */
        void requestOrCancel(ThreadLocalRandom rnd) {
            switch (rnd.nextInt(3)) {
                case 0:
                    subscription.request(1);
                    break;
                case 1:
                    subscription.cancel();
                    break;
                default:
                    subscription.request(1);
                    subscription.cancel();
            }
        }

        @Override
        public void onNext(T t) {
            value = t;
        }

        @Override
        public void onError(Throwable t) {
            signals.incrementAndGet();
            throw new AssertionError("unexpected error", t);
        }

        @Override
        public void onComplete() {
            assertThat(signals.incrementAndGet()).as("terminal signals").isEqualTo(1);
            onGranted.accept(value);
        }
    }

    @Test
    void semaphorePermitsAllComeBackUnderGrantCancelRaces() throws Exception {
        int permits = 3;
        AsyncSemaphore sem = AsyncSemaphore.bounded(permits);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        Races.run(THREADS, t -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < ITERATIONS; i++) {
                Recorder<Void> r = Recorder.then(() -> {
                    int now = inside.incrementAndGet();
                    maxInside.accumulateAndGet(now, Math::max);
                    completed.incrementAndGet();
                    inside.decrementAndGet();
                    sem.release();
                });
                sem.acquire().subscribe(r);
                r.requestOrCancel(rnd);
            }
        });
        assertThat(maxInside.get()).isLessThanOrEqualTo(permits);
        assertThat(sem.availablePermits()).as("every permit is back").isEqualTo(permits);
        assertThat(sem.waitingCount()).as("no waiter left behind").isZero();
        assertThat(completed.get()).isGreaterThan(0);
    }

    @Test
    void lockIsHandedOverOrReturnedUnderGrantCancelRaces() throws Exception {
        AsyncLock lock = AsyncLock.create();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        Races.run(THREADS, t -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < ITERATIONS; i++) {
                Recorder<Void> r = Recorder.then(() -> {
                    if (inside.incrementAndGet() != 1) {
                        violations.incrementAndGet();
                    }
                    inside.decrementAndGet();
                    lock.release();
                });
                lock.acquire().subscribe(r);
                r.requestOrCancel(rnd);
            }
        });
        assertThat(violations).hasValue(0);
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.tryAcquire()).isTrue();
    }

    @Test
    void withPermitReleasesExactlyOnceWhenCancelledAtAnyMoment() throws Exception {
        AsyncSemaphore sem = AsyncSemaphore.bounded(2);
        AtomicInteger workRuns = new AtomicInteger();
        Races.run(THREADS, t -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < ITERATIONS; i++) {
                Recorder<Integer> r = Recorder.then(() -> { });
                sem.withPermit(() -> {
                    workRuns.incrementAndGet();
                    return Mono.just(1);
                }).subscribe(r);
                r.requestOrCancel(rnd);
            }
        });
        assertThat(workRuns.get()).isPositive();
        assertThat(sem.availablePermits()).isEqualTo(2);
        assertThat(sem.waitingCount()).isZero();
    }

    @Test
    void queueItemsAreNeitherLostNorDuplicatedUnderPutTakeCancelRaces() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.bounded(16);
        int prefill = 8;
        Set<Integer> putDone = Collections.synchronizedSet(new HashSet<>());
        Set<Integer> attempted = Collections.synchronizedSet(new HashSet<>());
        for (int i = 0; i < prefill; i++) {
            int item = -1 - i;
            q.offer(item);
            putDone.add(item);
            attempted.add(item);
        }
        ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
        Races.run(THREADS, t -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < ITERATIONS; i++) {
                // every thread both puts and takes, so takes usually find an item and are granted
                // before they request: the cancel then races a granted, undelivered item
                int item = t * ITERATIONS + i;
                attempted.add(item);
                Recorder<Void> put = Recorder.then(() -> putDone.add(item));
                q.put(item).subscribe(put);
                put.requestOrCancel(rnd);
                Recorder<Integer> take = new Recorder<>(received::add);
                q.take().subscribe(take);
                take.requestOrCancel(rnd);
            }
        });
        List<Integer> all = new ArrayList<>(received);
        Integer v;
        while ((v = q.poll()) != null) {
            all.add(v);
        }
        Set<Integer> distinct = new HashSet<>(all);
        assertThat(distinct).as("no item delivered twice").hasSameSizeAs(all);
        assertThat(minus(putDone, distinct)).as("completed puts whose item is nowhere").isEmpty();
        assertThat(minus(distinct, attempted)).as("items nobody put").isEmpty();
        assertThat(q.toString()).contains("takers=0").contains("putters=0");
    }

    /**
     * Hands each timer to the thread that scheduled it, to fire when that thread chooses: the
     * timeout of an offer then races the takes and cancels of the other threads.
     */
    static final class ManualTimers implements Scheduler {
        final ThreadLocal<Runnable> last = new ThreadLocal<>();
        final AtomicInteger scheduled = new AtomicInteger();
        final AtomicInteger disposed = new AtomicInteger();

        @Override
        public Disposable schedule(Runnable task) {
            throw new UnsupportedOperationException("only timers");
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            scheduled.incrementAndGet();
            last.set(task);
            return disposed::incrementAndGet;
        }

        /** Fires the timer this thread scheduled last, if any. */
        void fire() {
            Runnable task = last.get();
            last.remove();
            if (task != null) {
                task.run();
            }
        }

        @Override
        public Worker createWorker() {
            return Schedulers.immediate().createWorker();
        }
    }

    @Test
    void timedOffersAnswerExactlyUnderAdmitTimeoutCancelRaces() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.bounded(4);
        ManualTimers timers = new ManualTimers();
        for (int i = 0; i < 4; i++) {
            q.offer(-1 - i);
        }
        Set<Integer> admitted = ConcurrentHashMap.newKeySet();
        Set<Integer> expired = ConcurrentHashMap.newKeySet();
        Set<Integer> cancelled = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<Recorder<Boolean>> uncancelled = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
        Races.run(THREADS, t -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < ITERATIONS; i++) {
                // the queue is mostly full, so most offers wait in line; a take by one thread
                // then admits another thread's offer while that thread fires its timer
                int item = t * ITERATIONS + i;
                Recorder<Boolean> offer = new Recorder<>(added -> (added ? admitted : expired).add(item));
                q.offer(item, Duration.ofHours(1), timers).subscribe(offer);
                int action = rnd.nextInt(4);
                if (action == 0) {
                    offer.subscription.cancel();
                    cancelled.add(item);
                } else {
                    offer.subscription.request(1);
                }
                if (rnd.nextBoolean()) {
                    timers.fire();
                    take(q, received);
                } else {
                    take(q, received);
                    timers.fire();
                }
                if (action == 1) {
                    offer.subscription.cancel(); // after the request: races the answer
                    cancelled.add(item);
                } else if (action > 1) {
                    uncancelled.add(offer);
                }
            }
        });
        List<Integer> all = new ArrayList<>(received);
        Integer v;
        while ((v = q.poll()) != null) {
            all.add(v);
        }
        Set<Integer> found = new HashSet<>(all);
        assertThat(found).as("no item twice").hasSameSizeAs(all);
        assertThat(minus(admitted, found)).as("answered true but nowhere").isEmpty();
        assertThat(minus(expired, minus(expired, found))).as("answered false but in the queue").isEmpty();
        Set<Integer> unexplained = minus(minus(found, admitted), cancelled);
        unexplained.removeIf(n -> n < 0); // the prefill
        assertThat(unexplained).as("in the queue without a true answer, and not cancelled").isEmpty();
        assertThat(uncancelled).as("every offer not cancelled answered true or false, once")
                .allSatisfy(r -> {
                    assertThat(r.signals).hasValue(1);
                    assertThat(r.value).isNotNull();
                });
        assertThat(q.toString()).as("no offer left in line").contains("putters=0");
        assertThat(expired).as("timeouts happened").isNotEmpty();
        assertThat(admitted).as("admissions happened").isNotEmpty();
        assertThat(timers.disposed.get()).as("timers of admitted or cancelled offers released").isPositive();
    }

    @Test
    void joinersAreReleasedWhenTheCountReachesZeroUnderConcurrentTaskDones() throws Exception {
        // half the threads move the count between 0 and 1 over and over (taskDone's path
        // without a lock), the other half join meanwhile: no join may miss its zero
        AsyncQueue<Integer> q = AsyncQueue.bounded(64);
        ConcurrentLinkedQueue<AtomicBoolean> joins = new ConcurrentLinkedQueue<>();
        Races.run(THREADS, t -> {
            for (int i = 0; i < ITERATIONS; i++) {
                if (t % 2 == 0) {
                    if (q.offer(i) && q.poll() != null) {
                        q.taskDone();
                    }
                } else {
                    AtomicBoolean joined = new AtomicBoolean();
                    joins.add(joined);
                    q.join().subscribe(null, e -> {
                        throw new AssertionError(e);
                    }, () -> joined.set(true));
                }
            }
        });
        while (q.poll() != null) {
            q.taskDone();
        }
        assertThat(q.unfinishedCount()).isZero();
        assertThat(joins).hasSize(THREADS / 2 * ITERATIONS);
        assertThat(joins.stream().filter(j -> !j.get()).count()).as("joins still waiting at zero").isZero();
        assertThat(q.join().block(Duration.ofSeconds(5))).isNull();
    }

    @Test
    void noJoinCompletesWhileAnItemIsUnfinishedUnderConcurrentTaskDones() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.bounded(64);
        q.offer(-1);
        assertThat(q.poll()).isEqualTo(-1); // taken, not done: the count never drops below 1
        ConcurrentLinkedQueue<AtomicBoolean> joins = new ConcurrentLinkedQueue<>();
        Races.run(THREADS, t -> {
            for (int i = 0; i < ITERATIONS; i++) {
                if (t % 2 == 0) {
                    if (q.offer(i) && q.poll() != null) {
                        q.taskDone();
                    }
                } else {
                    AtomicBoolean joined = new AtomicBoolean();
                    joins.add(joined);
                    q.join().subscribe(null, e -> {
                        throw new AssertionError(e);
                    }, () -> joined.set(true));
                }
            }
        });
        while (q.poll() != null) {
            q.taskDone();
        }
        assertThat(q.unfinishedCount()).isOne();
        assertThat(joins.stream().filter(AtomicBoolean::get).count()).as("joins released early").isZero();
        q.taskDone(); // the first item is done: now every join completes
        assertThat(joins.stream().filter(j -> !j.get()).count()).as("joins still waiting").isZero();
    }

    /** Timers that fire when a racing thread decides to, on that thread (any thread). */
    static final class SharedManualTimers implements Scheduler {
        final ConcurrentLinkedQueue<Runnable> due = new ConcurrentLinkedQueue<>();

        @Override
        public Disposable schedule(Runnable task) {
            throw new UnsupportedOperationException("only timers");
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            AtomicBoolean disposed = new AtomicBoolean();
            due.add(() -> {
                if (!disposed.get()) {
                    task.run();
                }
            });
            return () -> disposed.set(true);
        }

        /** Fires the oldest timer not yet fired, if any. */
        void fireOne() {
            Runnable task = due.poll();
            if (task != null) {
                task.run();
            }
        }

        void fireAll() {
            Runnable task;
            while ((task = due.poll()) != null) {
                task.run();
            }
        }

        @Override
        public Worker createWorker() {
            return Schedulers.immediate().createWorker();
        }
    }

    /** A sleep's subscriber that records what the test did to it and what it received. */
    static final class SleepProbe implements CoreSubscriber<Integer> {
        volatile Subscription subscription;
        volatile boolean requested;
        volatile boolean cancelled;
        final AtomicInteger values = new AtomicInteger();
        final AtomicInteger completions = new AtomicInteger();
        volatile boolean valueBeforeRequest;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(Integer v) {
            if (!requested) {
                valueBeforeRequest = true;
            }
            values.incrementAndGet();
        }

        @Override
        public void onError(Throwable t) {
            throw new AssertionError("unexpected error", t);
        }

        @Override
        public void onComplete() {
            completions.incrementAndGet();
        }
    }

    @Test
    void sleepsDeliverExactlyOnceOnlyOnDemandUnderFireRequestCancelRaces() throws Exception {
        SharedManualTimers timers = new SharedManualTimers();
        ConcurrentLinkedQueue<SleepProbe> probes = new ConcurrentLinkedQueue<>();
        Races.run(THREADS, t -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < ITERATIONS; i++) {
                SleepProbe p = new SleepProbe();
                probes.add(p);
                Tasks.sleep(Duration.ofNanos(1 + rnd.nextInt(200_000)), i, timers).subscribe(p);
                if (rnd.nextBoolean()) {
                    timers.fireOne(); // maybe this sleep's timer, maybe another thread's
                }
                switch (rnd.nextInt(4)) {
                    case 0:
                        p.requested = true;
                        p.subscription.request(1);
                        break;
                    case 1:
                        p.cancelled = true;
                        p.subscription.cancel();
                        break;
                    case 2:
                        p.requested = true;
                        p.subscription.request(1);
                        p.cancelled = true;
                        p.subscription.cancel();
                        break;
                    default:
                        break; // never requested: the value must wait
                }
                if (rnd.nextBoolean()) {
                    timers.fireOne();
                }
            }
        });
        timers.fireAll();
        for (SleepProbe p : probes) {
            assertThat(p.values.get()).as("values").isLessThanOrEqualTo(1);
            assertThat(p.completions.get()).as("completions").isLessThanOrEqualTo(1);
            assertThat(p.valueBeforeRequest).as("a value before any request").isFalse();
            if (p.requested && !p.cancelled) {
                assertThat(p.values.get()).as("a requested sleep delivers").isOne();
                assertThat(p.completions.get()).isOne();
            }
            if (!p.requested) {
                assertThat(p.values.get()).as("an unrequested sleep holds its value").isZero();
            }
        }
    }

    @Test
    void gatheredSleepsCompleteOnceOrAreCancelledUnderFireCancelRaces() throws Exception {
        SharedManualTimers timers = new SharedManualTimers();
        ConcurrentHashMap<Integer, List<Integer>> results = new ConcurrentHashMap<>();
        Set<Integer> disposed = ConcurrentHashMap.newKeySet();
        AtomicInteger terminals = new AtomicInteger();
        Races.run(THREADS, t -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < ITERATIONS / 5; i++) {
                int id = t * ITERATIONS + i;
                int n = 1 + rnd.nextInt(5);
                List<Mono<Integer>> sleeps = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    sleeps.add(Tasks.sleep(Duration.ofNanos(1 + rnd.nextInt(200_000)), k, timers));
                }
                Disposable d = Tasks.gather(sleeps).subscribe(list -> {
                    assertThat(results.put(id, list)).as("one result per gather").isNull();
                }, e -> {
                    throw new AssertionError(e);
                }, terminals::incrementAndGet);
                if (rnd.nextInt(3) == 0) {
                    disposed.add(id);
                    d.dispose();
                }
                for (int f = rnd.nextInt(3); f > 0; f--) {
                    timers.fireOne();
                }
            }
        });
        timers.fireAll();
        int gathers = THREADS * (ITERATIONS / 5);
        assertThat(terminals.get()).isEqualTo(results.size());
        results.forEach((id, list) -> {
            for (int k = 0; k < list.size(); k++) {
                assertThat(list.get(k)).as("value in argument order").isEqualTo(k);
            }
        });
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < ITERATIONS / 5; i++) {
                int id = t * ITERATIONS + i;
                if (!disposed.contains(id)) {
                    assertThat(results).as("gather %d, never cancelled, completed", id).containsKey(id);
                }
            }
        }
        assertThat(results.size()).isGreaterThanOrEqualTo(gathers - disposed.size());
    }

    private static void take(AsyncQueue<Integer> q, ConcurrentLinkedQueue<Integer> received) {
        Integer got = q.poll();
        if (got != null) {
            received.add(got);
        }
    }

    @Test
    void asFluxConsumersCancelledMidBatchLoseNothing() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.bounded(64);
        int total = THREADS * 2_000;
        for (int i = 0; i < 64; i++) {
            q.offer(i);
        }
        ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger(64);
        Races.run(THREADS, t -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (next.get() < total) {
                int n = next.getAndIncrement();
                if (n < total && !q.offer(n)) {
                    q.put(n).subscribe();
                }
                int want = 1 + rnd.nextInt(5);
                q.asFlux().take(want, true).subscribe(received::add);
            }
        });
        List<Integer> all = new ArrayList<>(received);
        Integer v;
        while ((v = q.poll()) != null) {
            all.add(v);
        }
        assertThat(new HashSet<>(all)).as("each item exactly once").hasSize(total).hasSameSizeAs(all);
    }

    /** Records every signal of an awaiter of a task. */
    static final class Awaiter implements CoreSubscriber<String> {
        volatile Subscription subscription;
        final AtomicInteger terminals = new AtomicInteger();
        volatile String value;
        volatile Throwable error;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(String v) {
            value = v;
        }

        @Override
        public void onError(Throwable e) {
            error = e;
            terminals.incrementAndGet();
        }

        @Override
        public void onComplete() {
            terminals.incrementAndGet();
        }
    }

    @Test
    void anAwaiterCancelledAsTheTaskCompletesEitherCancelsItOrLeavesItSucceededNeverBoth() throws Exception {
        int pairs = 20_000;
        List<AsyncFuture<String>> replies = new ArrayList<>();
        List<Task<String>> tasks = new ArrayList<>();
        List<Awaiter> owners = new ArrayList<>();
        List<Awaiter> shielded = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            AsyncFuture<String> reply = AsyncFuture.create();
            Task<String> task = Tasks.createTask(reply.mono());
            Awaiter owner = new Awaiter();
            Awaiter observer = new Awaiter();
            task.join().subscribe(owner);
            Tasks.shield(task).subscribe(observer);
            replies.add(reply);
            tasks.add(task);
            owners.add(owner);
            shielded.add(observer);
        }
        // half the threads complete the replies, half cancel the owning awaiters, in opposite orders
        Races.run(THREADS, t -> {
            for (int n = 0; n < pairs; n++) {
                int i = t % 2 == 0 ? n : pairs - 1 - n;
                if (t % 2 == 0) {
                    AsyncFuture<String> reply = replies.get(i);
                    synchronized (reply) {
                        if (!reply.isDone()) {
                            reply.setResult("v" + i);
                        }
                    }
                } else {
                    owners.get(i).subscription.cancel();
                }
            }
        });
        int cancelled = 0;
        int succeeded = 0;
        for (int i = 0; i < pairs; i++) {
            Task<String> task = tasks.get(i);
            Awaiter owner = owners.get(i);
            Awaiter observer = shielded.get(i);
            assertThat(task.isDone()).as("task %d is done", i).isTrue();
            assertThat(owner.terminals.get()).as("owner %d signals", i).isLessThanOrEqualTo(1);
            assertThat(observer.terminals.get()).as("the shielded awaiter %d hears the outcome once", i).isEqualTo(1);
            if (task.isCancelled()) {
                cancelled++;
                assertThat(owner.value).as("owner %d of a cancelled task got no value", i).isNull();
                assertThat(observer.error).isInstanceOf(java.util.concurrent.CancellationException.class);
            } else {
                succeeded++;
                assertThat(task.result()).isEqualTo("v" + i);
                assertThat(observer.value).isEqualTo("v" + i);
                assertThat(owner.error).as("owner %d of a succeeded task did not fail", i).isNull();
            }
            assertThat(replies.get(i).toString()).as("nothing still awaits reply %d", i).contains("awaiters=0");
        }
        assertThat(cancelled + succeeded).isEqualTo(pairs);
        assertThat(cancelled).as("some awaiters cancelled first").isPositive();
        assertThat(succeeded).as("some replies came first").isPositive();
    }

    private static Set<Integer> minus(Set<Integer> a, Set<Integer> b) {
        Set<Integer> r = new HashSet<>(a);
        r.removeAll(b);
        return r;
    }
}
