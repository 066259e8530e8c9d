package dev.pipeline.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/** S2 gather-sleep: K tasks each sleep 1.0 s, gathered; the ideal is 1.0 s. */
@Command(name = "gather-sleep", mixinStandardHelpOptions = true,
        description = "S2: K tasks each sleep, gathered (wall_s, overhead_s, peak RSS).")
public final class GatherSleepBench implements Callable<Integer> {

    @Option(names = {"--k", "-k"}, description = "tasks (default ${DEFAULT-VALUE})", defaultValue = "10000")
    int k;

    @Option(names = "--sleep", description = "seconds each task sleeps (default ${DEFAULT-VALUE})", defaultValue = "1.0")
    double sleep;

    @Option(names = "--rounds", description = "rounds in this JVM; the first is cold, the last warm (default ${DEFAULT-VALUE})",
            defaultValue = "2")
    int rounds;

    @Override
    public Integer call() {
        Duration each = Duration.ofNanos((long) (sleep * 1e9));
        Rounds.startRuntime();
        List<Rounds.Round<Integer>> gathered = Rounds.run(rounds, () -> {
            List<Mono<Integer>> tasks = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                tasks.add(Tasks.sleep(each, i));
            }
            return Tasks.run(Tasks.gather(tasks)).size();
        });
        // measured first, so that the peak RSS on its line is its own (VmHWM never goes down)
        double ownPeak = Memory.peakRssMb();
        List<Rounds.Round<Integer>> baseline = Rounds.run(rounds, () -> {
            List<Mono<Void>> sleeps = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                sleeps.add(Mono.delay(each).then());
            }
            Mono.when(sleeps).block();
            return k;
        });
        print("reactor-when", baseline, Memory.peakRssMb());
        return print("pipeline", gathered, ownPeak) ? 0 : 1;
    }

    private boolean print(String impl, List<Rounds.Round<Integer>> all, double peakRssMb) {
        System.out.println(Rounds.breakdown("gather-sleep", impl, all));
        Rounds.Round<Integer> cold = Rounds.cold(all);
        Rounds.Round<Integer> warm = Rounds.warm(all);
        boolean ok = all.stream().allMatch(r -> r.value() == k && r.seconds() >= sleep);
        System.out.println(BenchResult.of("gather-sleep", impl)
                .put("k", k).put("wall_s", cold.seconds()).put("overhead_s", cold.seconds() - sleep)
                .put("warm_wall_s", warm.seconds()).put("ideal_s", sleep).put("ratio", cold.seconds() / sleep)
                .put("completed", warm.value()).put("rss_mb", peakRssMb).put("ok", ok).line());
        return ok;
    }
}
