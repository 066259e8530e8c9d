package dev.pipeline.connectors.kafka.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetTrackerTest {

    @Nested
    class Position {

        @Test
        void staysUnsetUntilTheFirstRecordIsDone() {
            OffsetTracker t = new OffsetTracker();
            t.emitted(5);
            t.emitted(6);
            assertThat(t.position()).isEqualTo(-1);
            assertThat(t.settle(5)).isTrue();
            assertThat(t.position()).isEqualTo(6);
        }

        @Test
        void aRecordDoneOutOfOrderWaitsBehindTheGap() {
            OffsetTracker t = new OffsetTracker();
            for (long o = 10; o < 15; o++) {
                t.emitted(o);
            }
            t.settle(12);
            t.settle(14);
            t.settle(13);
            assertThat(t.position()).isEqualTo(-1);
            assertThat(t.behindGap()).isEqualTo(3);
            t.settle(10);
            assertThat(t.position()).isEqualTo(11);
            t.settle(11);
            assertThat(t.position()).isEqualTo(15);
            assertThat(t.behindGap()).isZero();
            assertThat(t.maxBehindGap()).isEqualTo(3);
            assertThat(t.inFlight()).isZero();
        }

        @Test
        void skipsOffsetsThatWereNeverEmitted() {
            OffsetTracker t = new OffsetTracker();
            t.emitted(3);
            t.emitted(7); // 4..6: compacted away or transaction markers
            t.settle(7);
            t.settle(3);
            assertThat(t.position()).isEqualTo(8);
        }

        @Test
        void refusesDecreasingOffsetsAndASecondSettlement() {
            OffsetTracker t = new OffsetTracker();
            t.emitted(1);
            t.emitted(2);
            t.settle(2);
            assertThatThrownBy(() -> t.settle(2)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> t.emitted(2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 2");
            assertThat(t.behindGap()).isEqualTo(1);
            t.settle(1);
            assertThat(t.position()).isEqualTo(3);
            assertThat(t.behindGap()).isZero();
        }

        @Test
        void aClosedTrackerIgnoresLateSettlementsAndCountsWhatWasAbandoned() {
            OffsetTracker t = new OffsetTracker();
            t.emitted(0);
            t.emitted(1);
            t.emitted(2);
            t.settle(0);
            t.settle(2);
            assertThat(t.close()).isEqualTo(2); // 1 in flight, 2 behind the gap
            assertThat(t.settle(1)).isFalse();
            assertThat(t.position()).isEqualTo(1);
        }
    }

    @Nested
    class Concurrency {

        @Test
        void settlementsFromManyThreadsInAnyOrderWhileTheOwnerReadsEndPastTheLastRecord() throws Exception {
            int records = 20_000;
            for (int round = 0; round < 5; round++) {
                OffsetTracker t = new OffsetTracker();
                List<Long> offsets = new ArrayList<>();
                for (long o = 0; o < records; o++) {
                    t.emitted(o);
                    offsets.add(o);
                }
                Collections.shuffle(offsets, new Random(round));
                ExecutorService pool = Executors.newFixedThreadPool(8);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                int slice = records / 8;
                for (int w = 0; w < 8; w++) {
                    List<Long> mine = offsets.subList(w * slice, (w + 1) * slice);
                    done.add(pool.submit(() -> {
                        start.await();
                        for (long o : mine) {
                            t.settle(o);
                        }
                        return null;
                    }));
                }
                start.countDown();
                // the owner reads while the settlements come: the position only moves forward
                long last = -1;
                while (!done.stream().allMatch(Future::isDone)) {
                    long p = t.position();
                    assertThat(p).isGreaterThanOrEqualTo(last);
                    last = p;
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
                pool.shutdown();
                assertThat(t.position()).isEqualTo(records);
                assertThat(t.inFlight()).isZero();
                assertThat(t.behindGap()).isZero();
            }
        }

        @Test
        void awaitDrainedReturnsOnceTheLastRecordIsDoneOnAnotherThread() throws Exception {
            OffsetTracker t = new OffsetTracker();
            t.emitted(0);
            t.emitted(1);
            Thread other = new Thread(() -> {
                t.settle(1);
                t.settle(0);
            });
            other.start();
            assertThat(t.awaitDrained(TimeUnit.SECONDS.toNanos(60))).isPositive();
            other.join(60_000);
            assertThat(t.position()).isEqualTo(2);
        }

        @Test
        void awaitDrainedGivesUpWhenTheTimeIsUp() throws Exception {
            OffsetTracker t = new OffsetTracker();
            t.emitted(0);
            assertThat(t.awaitDrained(TimeUnit.MILLISECONDS.toNanos(20))).isLessThanOrEqualTo(0);
        }
    }
}
