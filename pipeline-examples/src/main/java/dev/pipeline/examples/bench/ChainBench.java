package dev.pipeline.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/**
 * S4 chain: K chains part1 -> part2, each part sleeping r ms (r uniform in 0..10, drawn up front
 * from the seed), gathered. The ideal is the longest chain.
 */
@Command(name = "chain", mixinStandardHelpOptions = true,
        description = "S4: K chains part1 -> part2 with random sleeps, gathered (wall_s / longest chain).")
public final class ChainBench implements Callable<Integer> {

    @Option(names = {"--k", "-k"}, description = "chains (default ${DEFAULT-VALUE})", defaultValue = "10000")
    int k;

    @Option(names = "--seed", description = "random seed (default ${DEFAULT-VALUE})", defaultValue = "444")
    long seed;

    @Option(names = "--rounds", description = "rounds in this JVM; the first is cold, the last warm (default ${DEFAULT-VALUE})",
            defaultValue = "2")
    int rounds;

    @Override
    public Integer call() {
        Rounds.startRuntime();
        Random random = new Random(seed);
        int[][] r = new int[k][2];
        long expected = 0;
        int longest = 0;
        for (int i = 0; i < k; i++) {
            r[i][0] = random.nextInt(11);
            r[i][1] = random.nextInt(11);
            expected += r[i][0] + r[i][1];
            longest = Math.max(longest, r[i][0] + r[i][1]);
        }
        double ideal = longest / 1000.0;
        // the checksum is summed after the clock stops, as s4_chain.py sums after perf_counter()
        List<Rounds.Round<List<Integer>>> all = Rounds.run(rounds, () -> {
            List<Mono<Integer>> chains = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                int[] parts = r[i];
                Mono<Integer> part1 = Tasks.sleep(Duration.ofMillis(parts[0]), parts[0]);
                chains.add(part1.flatMap(p1 -> Tasks.sleep(Duration.ofMillis(parts[1]), p1 + parts[1])));
            }
            return Tasks.run(Tasks.gather(chains));
        });
        System.out.println(Rounds.breakdown("chain", "pipeline", all));
        Rounds.Round<List<Integer>> cold = Rounds.cold(all);
        Rounds.Round<List<Integer>> warm = Rounds.warm(all);
        final long checksum = expected;
        boolean ok = all.stream().allMatch(x -> x.value().size() == k && sum(x.value()) == checksum);
        System.out.println(BenchResult.of("chain", "pipeline")
                .put("k", k).put("wall_s", cold.seconds()).put("warm_wall_s", warm.seconds()).put("ideal_s", ideal)
                .put("ratio", cold.seconds() / ideal).put("warm_ratio", warm.seconds() / ideal)
                .put("checksum", sum(warm.value())).put("ok", ok).line());
        return ok ? 0 : 1;
    }

    private static long sum(List<Integer> values) {
        long s = 0;
        for (int v : values) {
            s += v;
        }
        return s;
    }
}
