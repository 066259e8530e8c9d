package dev.pipeline.examples.tutorial;

import java.util.List;
import java.util.Random;

import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/**
 * rand.py: makerandom(idx, threshold) draws 0..10 until it beats its threshold, sleeping idx+1
 * seconds between tries; three of them run gathered (thresholds 9, 8, 7).
 */
@Command(name = "makerandom", mixinStandardHelpOptions = true,
        description = "Three makerandom() coroutines retrying until a random number beats their threshold.")
public final class MakeRandom extends TimedExample {

    private static final String[] COLOURS = {"\033[0m", "\033[36m", "\033[91m", "\033[35m"};

    @Option(names = "--seed", defaultValue = "444", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    protected int run(Story story) {
        Random random = new Random(seed);
        boolean colour = Story.isTerminal();
        List<Integer> results = Tasks.run(Tasks.gather(
                makeRandom(story, random, colour, 0, 10 - 0 - 1),
                makeRandom(story, random, colour, 1, 10 - 1 - 1),
                makeRandom(story, random, colour, 2, 10 - 2 - 1)));
        story.say("r1: %d, r2: %d, r3: %d", results.get(0), results.get(1), results.get(2));
        story.say("makerandom executed in %.2f seconds.", story.elapsed());
        return 0;
    }

    private static Mono<Integer> makeRandom(Story story, Random random, boolean colour, int idx, int threshold) {
        String c = colour ? COLOURS[idx + 1] : "";
        String reset = colour ? COLOURS[0] : "";
        return Mono.defer(() -> {
            story.say("%sInitiated makerandom(%d).%s", c, idx, reset);
            return attempt(story, random, c, reset, idx, threshold);
        });
    }

    private static Mono<Integer> attempt(Story story, Random random, String c, String reset, int idx, int threshold) {
        return Mono.defer(() -> {
            int i;
            synchronized (random) {
                i = random.nextInt(11);
            }
            if (i > threshold) {
                story.say("%s---> Finished: makerandom(%d) == %d%s", c, idx, i, reset);
                return Mono.just(i);
            }
            story.say("%smakerandom(%d) == %d too low; retrying.%s", c, idx, i, reset);
            return Tasks.sleep(story.seconds(idx + 1)).then(attempt(story, random, c, reset, idx, threshold));
        });
    }
}
