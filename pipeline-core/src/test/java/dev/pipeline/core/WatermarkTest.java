package dev.pipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.Test;

class WatermarkTest {

    @Test
    void theMarkStaysAtTheFirstGapAndCountsWhatWaitsBehindIt() {
        Watermark w = Watermark.startingAt(100);
        assertThat(w.mark()).isEqualTo(100);
        w.track(100);
        w.track(101);
        w.track(102);
        w.settle(101);
        w.settle(102);
        assertThat(w.mark()).isEqualTo(100);
        assertThat(w.waiting()).isEqualTo(2);
        assertThat(w.inFlight()).isEqualTo(1);
        w.settle(100);
        assertThat(w.mark()).isEqualTo(103);
        assertThat(w.waiting()).isZero();
        assertThat(w.inFlight()).isZero();
    }

    @Test
    void spansMoveTheMarkToTheEndOfTheLastSettledItem() {
        Watermark w = Watermark.startingAt(0);
        w.track(0, 12);   // a line of 12 bytes
        w.track(12, 30);
        w.settle(0);
        assertThat(w.mark()).isEqualTo(12);
        w.settle(12);
        assertThat(w.mark()).isEqualTo(30);
    }

    @Test
    void refusesOverlappingUnknownOrTwiceSettledPositions() {
        Watermark w = Watermark.startingAt(5);
        assertThatThrownBy(() -> w.track(4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 5");
        w.track(5);
        assertThatThrownBy(() -> w.track(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.track(7, 7)).hasMessageContaining("next must be > position 7");
        w.settle(5);
        assertThatThrownBy(() -> w.settle(5)).hasMessageContaining("no unsettled item is tracked at position 5");
        assertThatThrownBy(() -> Watermark.startingAt(-1)).hasMessageContaining("position must be >= 0, was -1");
    }

    @Test
    void concurrentSettlesNeverMoveTheMarkPastAnUnsettledItem() throws Exception {
        int threads = 6;
        int n = 20_000;
        for (int round = 0; round < 5; round++) {
            Watermark w = Watermark.startingAt(0);
            AtomicLongArray settled = new AtomicLongArray(n);
            ConcurrentLinkedQueue<Long> toSettle = new ConcurrentLinkedQueue<>();
            AtomicBoolean tracking = new AtomicBoolean(true);
            List<String> violations = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(threads + 2);
            CountDownLatch done = new CountDownLatch(threads + 2);
            Random seed = new Random(round);
            pool.execute(() -> {
                // the source: tracks in order, hands positions out in shuffled chunks
                List<Long> chunk = new ArrayList<>();
                for (long p = 0; p < n; p++) {
                    w.track(p);
                    chunk.add(p);
                    if (chunk.size() == 64 || p == n - 1) {
                        Collections.shuffle(chunk, seed);
                        toSettle.addAll(chunk);
                        chunk.clear();
                    }
                }
                tracking.set(false);
                done.countDown();
            });
            for (int t = 0; t < threads; t++) {
                pool.execute(() -> {
                    while (tracking.get() || !toSettle.isEmpty()) {
                        Long p = toSettle.poll();
                        if (p != null) {
                            settled.set(p.intValue(), 1);
                            w.settle(p);
                        }
                    }
                    done.countDown();
                });
            }
            pool.execute(() -> {
                // a committer: the mark only grows and everything below it is settled
                long last = 0;
                while (tracking.get() || !toSettle.isEmpty()) {
                    long m = w.mark();
                    if (m < last) {
                        violations.add("mark moved back from " + last + " to " + m);
                    }
                    if (m > 0 && settled.get((int) m - 1) == 0) {
                        violations.add("mark " + m + " passed the unsettled " + (m - 1));
                    }
                    last = m;
                }
                done.countDown();
            });
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            pool.shutdown();
            assertThat(violations).isEmpty();
            assertThat(w.mark()).isEqualTo(n);
            assertThat(w.waiting()).isZero();
            assertThat(w.inFlight()).isZero();
        }
    }
}
