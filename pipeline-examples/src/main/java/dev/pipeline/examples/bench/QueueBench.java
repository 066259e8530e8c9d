package dev.pipeline.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.aio.AsyncQueue;
import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * S1 queue: the asyncq pattern. P producers put N ints into one bounded {@link AsyncQueue};
 * C consumers take them, add them to a checksum and call {@code taskDone}; producers done,
 * then {@code join()}, then the consumers are cancelled. It runs three ways: through a
 * pipeline's {@code buffer} stage with C workers ({@code pipeline-buffer}); with one
 * {@code put(item)} and one {@code take()} per item, as asyncq.py does
 * ({@code aio-queue-item}); and with the streaming {@code putAll}/{@code asFlux}, which move
 * items in batches ({@code aio-queue}). The warm figure is the median of the second half of
 * the rounds.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "S1: P producers -> bounded AsyncQueue -> C consumers (items/s, checksum).")
public final class QueueBench implements Callable<Integer> {

    @Option(names = {"--n", "-n"}, description = "items (default ${DEFAULT-VALUE})", defaultValue = "1000000")
    int n;

    @Option(names = {"--p", "-p"}, description = "producers (default ${DEFAULT-VALUE})", defaultValue = "4")
    int producers;

    @Option(names = {"--c", "-c"}, description = "consumers (default ${DEFAULT-VALUE})", defaultValue = "4")
    int consumers;

    @Option(names = {"--capacity", "--maxsize"}, description = "queue capacity (default ${DEFAULT-VALUE})",
            defaultValue = "1024")
    int capacity;

    @Option(names = "--rounds", description = "rounds in this JVM; the first is cold, the last warm (default ${DEFAULT-VALUE})",
            defaultValue = "5")
    int rounds;

    @Override
    public Integer call() {
        Rounds.startRuntime();
        long expected = (long) n * (n - 1) / 2;
        List<Rounds.Round<long[]>> viaBuffer = Rounds.run(rounds, this::pipelineBuffer);
        boolean ok = print("pipeline-buffer", viaBuffer, expected);
        List<Rounds.Round<long[]>> perItem = Rounds.run(rounds, () -> asyncQueue(false));
        ok &= print("aio-queue-item", perItem, expected);
        List<Rounds.Round<long[]>> viaQueue = Rounds.run(rounds, () -> asyncQueue(true));
        ok &= print("aio-queue", viaQueue, expected);
        return ok ? 0 : 1;
    }

    private boolean print(String impl, List<Rounds.Round<long[]>> all, long expected) {
        Rounds.Round<long[]> cold = Rounds.cold(all);
        Rounds.Round<long[]> warm = Rounds.warmMedian(all);
        boolean ok = all.stream().allMatch(r -> r.value()[0] == expected && r.value()[1] == n);
        System.out.println(BenchResult.of("queue", impl)
                .put("n", n).put("producers", producers).put("consumers", consumers).put("capacity", capacity)
                .put("wall_s", warm.seconds()).put("items_per_s", Math.round(n / warm.seconds()))
                .put("cold_wall_s", cold.seconds()).put("cold_items_per_s", Math.round(n / cold.seconds()))
                .put("checksum", warm.value()[0]).put("ok", ok).line());
        return ok;
    }

    /**
     * The asyncq pattern on AsyncQueue, streaming ({@code putAll}/{@code asFlux}) or one
     * {@code put}/{@code take} per item; returns {checksum, consumed}.
     */
    long[] asyncQueue(boolean streaming) {
        AsyncQueue<Integer> queue = AsyncQueue.bounded(capacity);
        Consumer[] workers = new Consumer[consumers];
        List<Disposable> running = new ArrayList<>();
        for (int k = 0; k < consumers; k++) {
            Consumer worker = new Consumer(queue);
            workers[k] = worker;
            Flux<Integer> items = streaming ? queue.asFlux() : queue.take().repeat(); // while True: await q.get()
            running.add(items.subscribeOn(Schedulers.parallel()).subscribe(worker::accept));
        }
        List<Mono<Void>> puts = new ArrayList<>();
        for (int k = 0; k < producers; k++) {
            int from = (int) ((long) k * n / producers);
            int to = (int) ((long) (k + 1) * n / producers);
            Flux<Integer> range = Flux.range(from, to - from);
            Mono<Void> put = streaming ? queue.putAll(range) : range.concatMap(queue::put).then(); // await q.put(i)
            puts.add(put.subscribeOn(Schedulers.parallel()));
        }
        try {
            Tasks.run(Mono.when(puts).then(queue.join()));
        } finally {
            running.forEach(Disposable::dispose);
        }
        long sum = 0;
        long count = 0;
        for (Consumer worker : workers) {
            sum += worker.sum;
            count += worker.count;
        }
        return new long[] {sum, count};
    }

    /** The same through Source -> buffer(capacity) -> C workers -> Sink; returns {checksum, consumed}. */
    long[] pipelineBuffer() {
        LongAdder sum = new LongAdder();
        LongAdder count = new LongAdder();
        var pipeline = Pipeline.from(Source.of("numbers", Flux.range(0, n)))
                .buffer("queue", capacity)
                .workers(consumers)
                .to(Sink.forEach("checksum", (Integer i) -> {
                    sum.add(i);
                    count.increment();
                }));
        Tasks.run(pipeline.run());
        return new long[] {sum.sum(), count.sum()};
    }

    /** One consumer's running totals, read after {@code join()} (which every taskDone happens-before). */
    private static final class Consumer {
        private final AsyncQueue<Integer> queue;
        long sum;
        long count;

        Consumer(AsyncQueue<Integer> queue) {
            this.queue = queue;
        }

        void accept(Integer item) {
            sum += item;
            count++;
            queue.taskDone();
        }
    }
}
