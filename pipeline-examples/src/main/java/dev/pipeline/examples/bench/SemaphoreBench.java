package dev.pipeline.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.core.aio.AsyncSemaphore;
import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/** S3 semaphore: K tasks share a semaphore of P permits, each holding it while it sleeps. */
@Command(name = "semaphore", mixinStandardHelpOptions = true,
        description = "S3: K tasks, semaphore(P), each holds it while sleeping (wall_s / ideal).")
public final class SemaphoreBench implements Callable<Integer> {

    @Option(names = {"--k", "-k"}, description = "tasks (default ${DEFAULT-VALUE})", defaultValue = "10000")
    int k;

    @Option(names = "--permits", description = "permits (default ${DEFAULT-VALUE})", defaultValue = "100")
    int permits;

    @Option(names = "--sleep-ms", description = "ms each task holds a permit (default ${DEFAULT-VALUE})", defaultValue = "10")
    double sleepMs;

    @Option(names = "--rounds", description = "rounds in this JVM; the first is cold, the last warm (default ${DEFAULT-VALUE})",
            defaultValue = "2")
    int rounds;

    @Override
    public Integer call() {
        Rounds.startRuntime();
        double ideal = Math.ceil((double) k / permits) * sleepMs / 1000;
        Duration hold = Duration.ofNanos((long) (sleepMs * 1e6));
        AtomicInteger maxInside = new AtomicInteger();
        List<Rounds.Round<Integer>> all = Rounds.run(rounds, () -> {
            AsyncSemaphore semaphore = AsyncSemaphore.of(permits);
            AtomicInteger inside = new AtomicInteger();
            List<Mono<Integer>> tasks = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                int id = i;
                tasks.add(semaphore.withPermit(() -> {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    // out once its value is there, before the permit is released: a doFinally runs
                    // after the release, when another thread may already have taken the permit
                    return Tasks.sleep(hold, id).doOnNext(v -> inside.decrementAndGet());
                }));
            }
            return Tasks.run(Tasks.gather(tasks)).size();
        });
        System.out.println(Rounds.breakdown("semaphore", "pipeline", all));
        Rounds.Round<Integer> cold = Rounds.cold(all);
        Rounds.Round<Integer> warm = Rounds.warm(all);
        boolean ok = all.stream().allMatch(r -> r.value() == k) && maxInside.get() <= permits;
        System.out.println(BenchResult.of("semaphore", "pipeline")
                .put("k", k).put("permits", permits).put("wall_s", cold.seconds()).put("warm_wall_s", warm.seconds())
                .put("ideal_s", ideal).put("ratio", cold.seconds() / ideal).put("warm_ratio", warm.seconds() / ideal)
                .put("completed", warm.value()).put("max_concurrent", maxInside.get()).put("ok", ok).line());
        return ok ? 0 : 1;
    }
}
