package dev.pipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.pipeline.core.Settlement;
import org.junit.jupiter.api.Test;

class TicketTest {

    /** A ticket that counts how often it settled and remembers how. */
    static final class Counting extends Ticket {
        final AtomicInteger settles = new AtomicInteger();
        final AtomicReference<Settlement> how = new AtomicReference<>();

        @Override
        void settled(Settlement s) {
            settles.incrementAndGet();
            how.set(s);
        }
    }

    @Test
    void settlesOnceWithTheWorstWhenTheLastShareIsReleased() {
        Counting t = new Counting();
        t.retain(2);
        t.release(Settlement.STORED);
        t.release(Settlement.DEAD_LETTERED);
        assertThat(t.settles).hasValue(0);
        t.release(Settlement.FILTERED);
        assertThat(t.settles).hasValue(1);
        assertThat(t.how).hasValue(Settlement.DEAD_LETTERED);
        assertThatThrownBy(() -> t.release(Settlement.STORED)).hasMessageContaining("released more often");
        assertThatThrownBy(() -> t.retain(1)).hasMessageContaining("a settled ticket was retained");
    }

    @Test
    void aGroupSettlesEveryMemberAndADeadLetterIsAtLeastDeadLettered() {
        Counting a = new Counting();
        Counting b = new Counting();
        Ticket batch = Ticket.group(List.of(a, b));
        batch.release(Settlement.STORED);
        assertThat(a.how).hasValue(Settlement.STORED);
        assertThat(b.how).hasValue(Settlement.STORED);
        Counting c = new Counting();
        Ticket.deadLetter(c).release(Settlement.STORED);
        assertThat(c.how).hasValue(Settlement.DEAD_LETTERED);
    }

    @Test
    void concurrentCopiesAndReleasesSettleEachTicketExactlyOnceWithTheWorst() throws Exception {
        int threads = 8;
        int iterations = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < iterations; i++) {
                Counting t = new Counting();
                // the parent's share plus one per thread, taken before any is released (as a flatMap or broadcast does)
                t.retain(threads);
                Settlement worst = Settlement.values()[ThreadLocalRandom.current().nextInt(4)];
                CyclicBarrier start = new CyclicBarrier(threads);
                CountDownLatch done = new CountDownLatch(threads);
                for (int k = 0; k < threads; k++) {
                    int me = k;
                    pool.execute(() -> {
                        try {
                            start.await(10, TimeUnit.SECONDS);
                            // each thread derives a child that is retained before its own share goes
                            t.retain(1);
                            t.release(me == 0 ? worst : Settlement.FILTERED);
                            t.release(Settlement.FILTERED);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        } finally {
                            done.countDown();
                        }
                    });
                }
                assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(t.settles).hasValue(0);
                t.release(Settlement.FILTERED); // the parent's own share
                assertThat(t.settles).hasValue(1);
                assertThat(t.how).hasValue(worst);
                assertThat(t.shares()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
