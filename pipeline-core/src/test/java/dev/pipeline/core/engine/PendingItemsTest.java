package dev.pipeline.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.Settlement;
import org.junit.jupiter.api.Test;

class PendingItemsTest {

    @Test
    void countsSettleTheOldestAndItemsSettleThemselvesSameValuesOneByOne() {
        PendingItems p = new PendingItems();
        List<TicketTest.Counting> t = new ArrayList<>();
        String shared = "same";
        for (int i = 0; i < 4; i++) {
            t.add(new TicketTest.Counting());
        }
        assertThat(p.add(new Tracked("a", t.get(0)))).isEqualTo("a");
        p.add(new Tracked(shared, t.get(1)));
        p.add(new Tracked(shared, t.get(2)));
        p.add(new Tracked("d", t.get(3)));
        p.complete(List.of(shared));
        assertThat(t.get(1).settles).hasValue(1);
        assertThat(t.get(2).settles).hasValue(0);
        Object rejected = p.take("d");
        assertThat(rejected).isInstanceOf(Tracked.class);
        assertThat(((Tracked) rejected).ticket).isSameAs(t.get(3));
        p.completeOldest(5); // more than there are: the two left
        assertThat(t.get(0).how).hasValue(Settlement.STORED);
        assertThat(t.get(2).how).hasValue(Settlement.STORED);
        assertThat(t.get(3).settles).hasValue(0);
        assertThat(p.size()).isZero();
    }

    @Test
    void anEqualItemThatIsNotTheInstanceReceivedSettlesTheOldestEqualOne() {
        PendingItems p = new PendingItems();
        TicketTest.Counting first = new TicketTest.Counting();
        TicketTest.Counting second = new TicketTest.Counting();
        p.add(new Tracked(new String("order-7"), first));
        p.add(new Tracked(Long.valueOf(100_000), second));
        // a sink that names copies: a rebuilt string, a boxed number that is not the cached instance
        p.complete(List.of(new String("order-7")));
        Object rejected = p.take(Long.valueOf(100_000));
        assertThat(first.how).hasValue(Settlement.STORED);
        assertThat(rejected).isInstanceOf(Tracked.class);
        assertThat(((Tracked) rejected).ticket).isSameAs(second);
        assertThat(p.size()).isZero();
        // an item the sink never received settles nothing
        p.complete(List.of("never-received"));
        assertThat(first.settles).hasValue(1);
    }

    @Test
    void concurrentCompletionsSettleEveryItemOnce() throws Exception {
        int threads = 6;
        int n = 30_000;
        PendingItems p = new PendingItems();
        List<TicketTest.Counting> tickets = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TicketTest.Counting t = new TicketTest.Counting();
            tickets.add(t);
            Integer v = Integer.valueOf(100_000 + i);
            values.add(v);
            p.add(new Tracked(v, t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch done = new CountDownLatch(threads);
        for (int k = 0; k < threads; k++) {
            int me = k;
            pool.execute(() -> {
                for (int i = me; i < n; i += threads) {
                    if (me % 2 == 0) {
                        p.complete(List.of(values.get(i)));
                    } else {
                        p.completeOldest(1);
                    }
                }
                done.countDown();
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        // an item named by a completer may already have gone as one of the oldest: then its
        // complete() finds nothing; either way each ticket settles at most once
        assertThat(tickets).allMatch(t -> t.settles.get() <= 1);
        long settled = tickets.stream().filter(t -> t.settles.get() == 1).count();
        assertThat(settled + p.size()).isEqualTo(n);
        p.completeOldest(n);
        assertThat(tickets).allMatch(t -> t.settles.get() == 1);
    }
}
