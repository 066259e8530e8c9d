package dev.pipeline.examples.bench;

import java.lang.management.ManagementFactory;
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
 * the rounds. A fourth line ({@code reactor-floor}) runs the per-item harness with no queue:
 * the same P {@code concatMap}s over already-completed Monos and C {@code repeat()}ed Monos on
 * the same scheduler, each consumer counting its own share, so it is the rate Reactor's
 * operators allow for this shape before any hand-off between producers and consumers; a fifth
 * ({@code reactor-floor-subscribed}) is the same with a completed Mono that {@code concatMap}
 * must subscribe to, as it must to a put, where {@code Mono.empty()} lets it skip that. Each
 * line also gives the process CPU time per item ({@code cpu_ns_per_item}, the least over the
 * rounds after the first), which a loaded machine disturbs far less than the wall time, and how
 * many cores the process kept busy ({@code busy_cores}); a {@code ROUNDS} line
 * before each gives every round's wall and CPU time by thread group.
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
        List<Rounds.Round<long[]>> viaBuffer = Rounds.run(rounds, () -> cpu(this::pipelineBuffer));
        boolean ok = print("pipeline-buffer", viaBuffer, expected);
        List<Rounds.Round<long[]>> perItem = Rounds.run(rounds, () -> cpu(() -> asyncQueue(false)));
        ok &= print("aio-queue-item", perItem, expected);
        List<Rounds.Round<long[]>> floor = Rounds.run(rounds, () -> cpu(() -> reactorFloor(false)));
        ok &= print("reactor-floor", floor, expected);
        List<Rounds.Round<long[]>> subscribed = Rounds.run(rounds, () -> cpu(() -> reactorFloor(true)));
        ok &= print("reactor-floor-subscribed", subscribed, expected);
        List<Rounds.Round<long[]>> viaQueue = Rounds.run(rounds, () -> cpu(() -> asyncQueue(true)));
        ok &= print("aio-queue", viaQueue, expected);
        return ok ? 0 : 1;
    }

    private boolean print(String impl, List<Rounds.Round<long[]>> all, long expected) {
        Rounds.Round<long[]> cold = Rounds.cold(all);
        Rounds.Round<long[]> warm = Rounds.warmMedian(all);
        boolean ok = all.stream().allMatch(r -> r.value()[0] == expected && r.value()[1] == n);
        long cpuNanos = all.stream().skip(all.size() > 1 ? 1 : 0).mapToLong(r -> r.value()[2]).min().orElse(-1);
        System.out.println(Rounds.breakdown("queue", impl, all));
        System.out.println(BenchResult.of("queue", impl)
                .put("n", n).put("producers", producers).put("consumers", consumers).put("capacity", capacity)
                .put("wall_s", warm.seconds()).put("items_per_s", Math.round(n / warm.seconds()))
                .put("cold_wall_s", cold.seconds()).put("cold_items_per_s", Math.round(n / cold.seconds()))
                .put("cpu_ns_per_item", cpuNanos < 0 ? -1 : Math.round((double) cpuNanos / n))
                .put("busy_cores", busyCores(all))
                .put("checksum", warm.value()[0]).put("ok", ok).line());
        return ok;
    }

    /**
     * How many cores the process kept busy, on average over a warm round: its CPU time over the
     * wall time, the median over the second half of the rounds (-1 where neither {@code /proc}
     * nor the JVM reports CPU time). On two cores, 2 means both ran all the time; 1, that one thread worked at
     * a time (the other idle or waiting); less, that the threads were idle or preempted (other
     * processes on the machine). Read beside {@code cpu_ns_per_item}: the same CPU per item at 1
     * and at 2 busy cores means the second core bought nothing.
     */
    static double busyCores(List<Rounds.Round<long[]>> all) {
        double[] busy = all.subList(all.size() / 2, all.size()).stream()
                .filter(r -> cpuSeconds(r) > 0 && r.seconds() > 0)
                .mapToDouble(r -> cpuSeconds(r) / r.seconds()).sorted().toArray();
        return busy.length == 0 ? -1 : Math.round(busy[busy.length / 2] * 100) / 100.0;
    }

    /** A round's CPU seconds on every thread: from /proc to the nanosecond where it is read, else the JVM's. */
    private static double cpuSeconds(Rounds.Round<long[]> r) {
        double sum = r.cpuByThreads().values().stream().mapToDouble(Double::doubleValue).sum();
        return sum > 0 ? sum : r.cpuSeconds();
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

    /** Runs a round and appends the process CPU time it took: {checksum, consumed, cpu nanos}. */
    private static long[] cpu(java.util.function.Supplier<long[]> round) {
        long before = processCpuNanos();
        long[] result = round.get();
        long spent = before < 0 ? -1 : processCpuNanos() - before;
        return new long[] {result[0], result[1], spent};
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * The per-item harness with no queue: P producers {@code concatMap} their ranges over an
     * already-completed Mono (where {@code put} would be), C consumers {@code repeat()} a Mono
     * of their own share's next int (where {@code take} would be); returns {checksum, consumed}.
     * {@code Mono.empty()} is a {@code Callable}, which {@code concatMap} reads without
     * subscribing to it; a put that may have to wait cannot be one, so with {@code subscribed}
     * the producers map to {@code Mono.empty().hide()}, which {@code concatMap} subscribes to
     * per item as it does to a put ({@code reactor-floor-subscribed}).
     */
    long[] reactorFloor(boolean subscribed) {
        Consumer[] workers = new Consumer[consumers];
        List<Mono<Void>> all = new ArrayList<>();
        for (int k = 0; k < consumers; k++) {
            Consumer worker = new Consumer(null);
            workers[k] = worker;
            int from = (int) ((long) k * n / consumers);
            int to = (int) ((long) (k + 1) * n / consumers);
            if (to > from) {
                int[] next = {from};
                Mono<Integer> take = Mono.fromSupplier(() -> next[0]++);
                all.add(take.repeat(to - from - 1L).doOnNext(worker::count).then().subscribeOn(Schedulers.parallel()));
            }
        }
        for (int k = 0; k < producers; k++) {
            int from = (int) ((long) k * n / producers);
            int to = (int) ((long) (k + 1) * n / producers);
            Mono<Void> done = subscribed ? Mono.<Void>empty().hide() : Mono.<Void>empty();
            all.add(Flux.range(from, to - from).concatMap(i -> done).then().subscribeOn(Schedulers.parallel()));
        }
        Tasks.run(Mono.when(all));
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

        void count(Integer item) {
            sum += item;
            count++;
        }
    }
}
