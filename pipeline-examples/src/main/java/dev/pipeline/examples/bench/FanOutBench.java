package dev.pipeline.examples.bench;

import java.util.List;
import java.util.concurrent.Callable;

import dev.pipeline.core.Branch;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The cost of fan-out: N items broadcast to 2 branches, and routed to 4 branches by
 * {@code n % 4}, each branch summing into its own sink, as pipelines with their accounting vs the
 * same written by hand with Reactor ({@code publish().autoConnect(2)}; {@code groupBy}) in one JVM.
 */
@Command(name = "fan-out", mixinStandardHelpOptions = true,
        description = "N items broadcast to 2 branches and routed to 4, as pipelines vs hand-written publish/groupBy.")
public final class FanOutBench implements Callable<Integer> {

    @Option(names = {"--n", "-n"}, description = "items (default ${DEFAULT-VALUE})", defaultValue = "1000000")
    int n;

    @Option(names = "--rounds", description = "rounds of each in this JVM; the median wall time of the second half "
            + "is reported, and the least and median CPU time of the thread that runs them (default ${DEFAULT-VALUE})",
            defaultValue = "30")
    int rounds;

    @Override
    public Integer call() {
        long[] sums = new long[4];
        Pipeline<Void> broadcast = Pipeline.from(Source.of("numbers", Flux.range(0, n)))
                .broadcast("copy",
                        Branch.to("a", Sink.forEach("sum-a", (Integer i) -> sums[0] += i)),
                        Branch.to("b", Sink.forEach("sum-b", (Integer i) -> sums[1] += i)))
                .end();
        Pipeline<Void> route = Pipeline.from(Source.of("numbers", Flux.range(0, n)))
                .route("by-rest", (Integer i) -> ROUTES[i & 3],
                        Branch.to("r0", Sink.forEach("sum-0", (Integer i) -> sums[0] += i)),
                        Branch.to("r1", Sink.forEach("sum-1", (Integer i) -> sums[1] += i)),
                        Branch.to("r2", Sink.forEach("sum-2", (Integer i) -> sums[2] += i)),
                        Branch.to("r3", Sink.forEach("sum-3", (Integer i) -> sums[3] += i)))
                .end();
        Callable<Long> handBroadcast = () -> {
            Flux<Integer> shared = Flux.range(0, n).publish().autoConnect(2);
            Mono.when(shared.doOnNext(i -> sums[0] += i).then(), shared.doOnNext(i -> sums[1] += i).then()).block();
            return total(sums);
        };
        Callable<Long> handRoute = () -> {
            Flux.range(0, n).groupBy(i -> i & 3).flatMap(g -> g.doOnNext(i -> sums[g.key()] += i).then()).then().block();
            return total(sums);
        };
        boolean ok = measure("broadcast-2", () -> {
            Tasks.run(broadcast.run());
            return total(sums);
        }, handBroadcast, "publish");
        ok &= measure("route-4", () -> {
            Tasks.run(route.run());
            return total(sums);
        }, handRoute, "groupBy");
        return ok ? 0 : 1;
    }

    private static final String[] ROUTES = {"r0", "r1", "r2", "r3"};

    private static long total(long[] sums) {
        long t = sums[0] + sums[1] + sums[2] + sums[3];
        java.util.Arrays.fill(sums, 0);
        return t;
    }

    private boolean measure(String shape, Callable<Long> pipeline, Callable<Long> hand, String handName) {
        CpuRounds handRounds = new CpuRounds();
        CpuRounds pipedRounds = new CpuRounds();
        // interleave the two so both see the same JIT and GC state
        for (int i = 0; i < rounds; i++) {
            handRounds.run(() -> {
                try {
                    return hand.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            pipedRounds.run(() -> {
                try {
                    return pipeline.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        List<Rounds.Round<Long>> byHand = handRounds.rounds();
        List<Rounds.Round<Long>> piped = pipedRounds.rounds();
        double handS = Rounds.warmMedian(byHand).seconds();
        double pipeS = Rounds.warmMedian(piped).seconds();
        boolean ok = byHand.get(0).value().equals(piped.get(0).value());
        System.out.println(BenchResult.of("fan-out-" + shape, handName).put("n", n).put("wall_s", handS)
                .put("items_per_s", Math.round(n / handS)).put("cpu_min_s", handRounds.cpuMin())
                .put("cpu_median_s", handRounds.cpuMedian()).put("alloc_b_per_item", handRounds.allocPerItem(n)).put("checksum", byHand.get(0).value()).line());
        System.out.println(BenchResult.of("fan-out-" + shape, "pipeline").put("n", n).put("wall_s", pipeS)
                .put("items_per_s", Math.round(n / pipeS)).put("ratio", pipeS / handS)
                .put("cpu_min_s", pipedRounds.cpuMin()).put("cpu_median_s", pipedRounds.cpuMedian())
                .put("cpu_min_ratio", pipedRounds.cpuMin() / handRounds.cpuMin())
                .put("cpu_median_ratio", pipedRounds.cpuMedian() / handRounds.cpuMedian())
                .put("alloc_b_per_item", pipedRounds.allocPerItem(n)).put("checksum", piped.get(0).value()).put("ok", ok).line());
        return ok;
    }
}
