package dev.pipeline.examples.tutorial;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import reactor.core.publisher.Mono;

/**
 * chained.py: each chain runs part1 then part2 (part2 needs part1's result), each sleeping a
 * random 0..10 s; the chains run concurrently, so the total is about the longest chain.
 * Each chain draws from its own generator seeded from {@code --seed} and its id, so a seed gives
 * the same sleeps on every run (Python's numbers for 444 differ; the story is the same).
 */
@Command(name = "chained", mixinStandardHelpOptions = true,
        description = "Chains part1 -> part2 with random sleeps, gathered: total is about the longest chain.")
public final class Chained extends TimedExample {

    @Option(names = "--seed", defaultValue = "444", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Parameters(arity = "0..*", paramLabel = "ID", description = "chain ids (default 1 2 3)")
    List<Integer> ids = new ArrayList<>(List.of(1, 2, 3));

    @Override
    protected int run(Story story) {
        List<Mono<Double>> chains = new ArrayList<>();
        for (int n : ids) {
            // one generator per chain: its sleeps depend on the seed and its id, not on thread timing
            chains.add(chain(story, new Random(seed * 1_000_003L + n), n));
        }
        List<Double> took = Tasks.run(Tasks.gather(chains));
        double longest = took.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        story.say("Program finished in %.2f seconds (longest chain %.2f s).", story.elapsed(), longest);
        return 0;
    }

    private static Mono<Double> chain(Story story, Random random, int n) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return part1(story, random, n)
                    .flatMap(p1 -> part2(story, random, n, p1))
                    .map(p2 -> {
                        double took = story.since(start);
                        story.say("-->Chained result%d => %s (took %.2f seconds).", n, p2, took);
                        return took;
                    });
        });
    }

    private static Mono<String> part1(Story story, Random random, int n) {
        return Mono.defer(() -> {
            int i = draw(random);
            story.say("part1(%d) sleeping for %d seconds.", n, i);
            return Tasks.sleep(story.seconds(i), "result" + n + "-1");
        }).doOnNext(result -> story.say("Returning part1(%d) == %s.", n, result));
    }

    private static Mono<String> part2(Story story, Random random, int n, String arg) {
        return Mono.defer(() -> {
            int i = draw(random);
            story.say("part2(%d, '%s') sleeping for %d seconds.", n, arg, i);
            return Tasks.sleep(story.seconds(i), "result" + n + "-2 derived from " + arg);
        }).doOnNext(result -> story.say("Returning part2(%d, '%s') == %s.", n, arg, result));
    }

    /** {@code random.randint(0, 10)}. */
    private static int draw(Random random) {
        return random.nextInt(11);
    }
}
