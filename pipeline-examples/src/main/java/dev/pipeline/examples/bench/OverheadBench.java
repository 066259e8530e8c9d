package dev.pipeline.examples.bench;

import java.util.List;
import java.util.concurrent.Callable;

import dev.pipeline.core.Delivery;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;

/**
 * The pipeline's own cost: N items through map -> filter -> map as a three-stage pipeline with
 * its accounting, vs the same chain written by hand as a Flux, in one JVM.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = "N items through a 3-stage map/filter/map pipeline vs the same hand-written Flux.")
public final class OverheadBench implements Callable<Integer> {

    @Option(names = {"--n", "-n"}, description = "items (default ${DEFAULT-VALUE})", defaultValue = "1000000")
    int n;

    @Option(names = "--rounds", description = "rounds of each in this JVM; the median wall time of the second half "
            + "is reported, and the least and median CPU time of the thread that runs them (default ${DEFAULT-VALUE})",
            defaultValue = "30")
    int rounds;

    @Option(names = "--acknowledged", description = "also run the pipeline from an acknowledged source (each item a "
            + "Delivery settled after the sink), reported as impl=pipeline-acknowledged")
    boolean acknowledged;

    @Override
    public Integer call() {
        long[] sink = new long[1];
        Pipeline<Void> pipeline = Pipeline.from(Source.of("numbers", Flux.range(0, n)))
                .then(Stage.map("double", (Integer i) -> i * 2L))
                .then(Stage.filter("not-multiple-of-3", (Long i) -> i % 3 != 0))
                .then(Stage.map("plus-one", (Long i) -> i + 1))
                .to(Sink.forEach("sum", (Long i) -> sink[0] += i));
        Flux<Long> handWritten = Flux.range(0, n).map(i -> i * 2L).filter(i -> i % 3 != 0).map(i -> i + 1);
        long[] settled = new long[1];
        Pipeline<Void> acked = Pipeline.from(Source.acknowledged("numbers", ctx -> Flux.range(0, n)
                        .map(i -> Delivery.of(i, false, s -> settled[0]++))))
                .then(Stage.map("double", (Integer i) -> i * 2L))
                .then(Stage.filter("not-multiple-of-3", (Long i) -> i % 3 != 0))
                .then(Stage.map("plus-one", (Long i) -> i + 1))
                .to(Sink.forEach("sum", (Long i) -> sink[0] += i));
        CpuRounds fluxRounds = new CpuRounds();
        CpuRounds pipedRounds = new CpuRounds();
        CpuRounds ackedCpu = new CpuRounds();
        // interleave the two so both see the same JIT and GC state
        for (int i = 0; i < rounds; i++) {
            fluxRounds.run(() -> {
                sink[0] = 0;
                handWritten.doOnNext(x -> sink[0] += x).then().block();
                return sink[0];
            });
            pipedRounds.run(() -> {
                sink[0] = 0;
                Tasks.run(pipeline.run());
                return sink[0];
            });
            if (acknowledged) {
                ackedCpu.run(() -> {
                    sink[0] = 0;
                    settled[0] = 0;
                    Tasks.run(acked.run());
                    return settled[0] == n ? sink[0] : -1L;
                });
            }
        }
        List<Rounds.Round<Long>> flux = fluxRounds.rounds();
        List<Rounds.Round<Long>> piped = pipedRounds.rounds();
        double fluxS = Rounds.warmMedian(flux).seconds();
        double pipeS = Rounds.warmMedian(piped).seconds();
        boolean ok = flux.get(0).value().equals(piped.get(0).value());
        System.out.println(BenchResult.of("overhead", "flux").put("n", n).put("wall_s", fluxS)
                .put("items_per_s", Math.round(n / fluxS)).put("cpu_min_s", fluxRounds.cpuMin())
                .put("cpu_median_s", fluxRounds.cpuMedian()).put("alloc_b_per_item", fluxRounds.allocPerItem(n)).put("checksum", flux.get(0).value()).line());
        System.out.println(BenchResult.of("overhead", "pipeline").put("n", n).put("wall_s", pipeS)
                .put("items_per_s", Math.round(n / pipeS)).put("ratio", pipeS / fluxS)
                .put("cpu_min_s", pipedRounds.cpuMin()).put("cpu_median_s", pipedRounds.cpuMedian())
                .put("cpu_min_ratio", pipedRounds.cpuMin() / fluxRounds.cpuMin())
                .put("cpu_median_ratio", pipedRounds.cpuMedian() / fluxRounds.cpuMedian())
                .put("alloc_b_per_item", pipedRounds.allocPerItem(n)).put("checksum", piped.get(0).value()).put("ok", ok).line());
        if (acknowledged) {
            List<Rounds.Round<Long>> ackedRounds = ackedCpu.rounds();
            double ackS = Rounds.warmMedian(ackedRounds).seconds();
            boolean ackOk = ackedRounds.stream().allMatch(r -> r.value().equals(flux.get(0).value()));
            System.out.println(BenchResult.of("overhead", "pipeline-acknowledged").put("n", n).put("wall_s", ackS)
                    .put("items_per_s", Math.round(n / ackS)).put("ratio", ackS / fluxS)
                    .put("cpu_min_s", ackedCpu.cpuMin()).put("cpu_min_ratio", ackedCpu.cpuMin() / fluxRounds.cpuMin())
                    .put("checksum", ackedRounds.get(0).value()).put("ok", ackOk).line());
            ok &= ackOk;
        }
        return ok ? 0 : 1;
    }
}
