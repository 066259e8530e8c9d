package dev.pipeline.examples.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;

/**
 * S9 backpressure-memory: a producer emits N items as fast as it can into a bounded buffer; the
 * consumer spends about 1 us on each. Runs in a child JVM with {@code -Xmx64m} (the scenario's
 * limit) unless {@code --in-process}; memory stays flat because demand, not the producer, sets
 * the pace.
 */
@Command(name = "backpressure-memory", mixinStandardHelpOptions = true,
        description = "S9: fast producer -> bounded buffer -> slow consumer in a -Xmx64m JVM (completes, peak RSS).")
public final class BackpressureBench implements Callable<Integer> {

    @Option(names = {"--n", "-n"}, description = "items (default ${DEFAULT-VALUE})", defaultValue = "10000000")
    long n;

    @Option(names = {"--capacity", "--maxsize"}, description = "buffer capacity (default ${DEFAULT-VALUE})",
            defaultValue = "1024")
    int capacity;

    @Option(names = "--work-us", description = "busy microseconds per item (default ${DEFAULT-VALUE})", defaultValue = "1.0")
    double workUs;

    @Option(names = "--xmx", description = "the child JVM's -Xmx (default ${DEFAULT-VALUE})", defaultValue = "64m")
    String xmx;

    @Option(names = "--in-process", description = "run in this JVM instead of a child JVM")
    boolean inProcess;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!inProcess) {
            return inChildJvm();
        }
        long work = (long) (workUs * 1000);
        long[] totals = new long[2];
        Pipeline<Void> pipeline = Pipeline.from(Source.of("producer", Flux.range(0, Math.toIntExact(n))))
                .buffer("queue", capacity)
                .to(Sink.forEach("consumer", (Integer i) -> {
                    long end = System.nanoTime() + work;
                    while (System.nanoTime() < end) {
                // busy: this is CPU work (no onSpinWait: BlockHound counts it as blocking)
            }
                    totals[0]++;
                    totals[1] += i;
                }));
        // the floor: the consumer's own busy work alone, on n/10 items in a plain loop, scaled to n.
        // Waiting for System.nanoTime() to pass a deadline overshoots it by about one call to
        // nanoTime (tens of ns on a VM), so even a zero-cost pipeline cannot reach n * work-us
        long sample = Math.max(1, n / 10);
        long f0 = System.nanoTime();
        long spun = 0;
        for (long i = 0; i < sample; i++) {
            long end = System.nanoTime() + work;
            while (System.nanoTime() < end) {
                // the same busy work as the consumer's
            }
            spun += i;
        }
        double floor = (System.nanoTime() - f0) / 1e9 * n / sample;
        long t0 = System.nanoTime();
        var report = Tasks.run(pipeline.run());
        double wall = (System.nanoTime() - t0) / 1e9;
        boolean ok = totals[0] == n && totals[1] == n * (n - 1) / 2 && spun >= 0;
        System.out.println(BenchResult.of("backpressure-memory", "pipeline")
                .put("n", n).put("wall_s", wall).put("items_per_s", Math.round(n / wall)).put("ideal_s", n * workUs / 1e6)
                .put("floor_s", floor).put("over_floor_s", wall - floor)
                .put("checksum", totals[1]).put("max_queue_depth", report.stage("queue").maxQueueDepth())
                .put("rss_mb", Memory.peakRssMb()).put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024))
                .put("ok", ok).line());
        return ok ? 0 : 1;
    }

    private int inChildJvm() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + xmx, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "bench", "backpressure-memory", "--in-process",
                "--n", Long.toString(n), "--capacity", Integer.toString(capacity), "--work-us", Double.toString(workUs)));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var lines = child.inputReader().lines()) {
            lines.forEach(System.out::println); // through System.out, so 'bench all' sees the RESULT line
        }
        return child.waitFor();
    }
}
