package dev.pipeline.examples.tutorial;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import dev.pipeline.core.aio.AsyncQueue;
import dev.pipeline.core.aio.Task;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * asyncq.py: producers put random hex items into a queue after random sleeps; consumers take
 * them, printing how long each item waited. Producers done, then {@code join()}, then the
 * consumers are cancelled.
 */
@Command(name = "asyncq", mixinStandardHelpOptions = true,
        description = "Producers and consumers over an AsyncQueue: put, take, task_done, join, cancel.")
public final class Asyncq extends TimedExample {

    @Option(names = {"-p", "--nprod"}, defaultValue = "5", description = "producers (default ${DEFAULT-VALUE})")
    int nprod;

    @Option(names = {"-c", "--ncon"}, defaultValue = "10", description = "consumers (default ${DEFAULT-VALUE})")
    int ncon;

    @Option(names = "--seed", defaultValue = "444", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    protected int run(Story story) {
        if (nprod < 1 || ncon < 1) {
            throw new IllegalArgumentException("--nprod and --ncon must be at least 1");
        }
        Random random = new Random(seed);
        // asyncio.Queue() is unbounded; ours are always bounded, by more than the producers can make
        AsyncQueue<Item> queue = AsyncQueue.bounded(Math.max(1, nprod * 10));
        List<Task<Integer>> producers = new ArrayList<>();
        List<Task<Void>> consumers = new ArrayList<>();
        Tasks.run(Mono.defer(() -> {
            for (int n = 0; n < nprod; n++) {
                producers.add(Tasks.createTask(produce(story, random, n, queue)));
            }
            for (int n = 0; n < ncon; n++) {
                consumers.add(Tasks.createTask(consume(story, random, n, queue)));
            }
            return Tasks.gather(producers.stream().map(Task::join).toList())
                    .then(queue.join())
                    .then(Mono.fromRunnable(() -> consumers.forEach(Task::cancel)))
                    .thenReturn(true);
        }));
        int produced = producers.stream().mapToInt(Task::result).sum();
        story.say("Produced %d items; every one was taken and marked done.", produced);
        story.say("Program completed in %.2f seconds.", story.elapsed());
        return 0;
    }

    record Item(String value, long putAt) {
    }

    private static Mono<Integer> produce(Story story, Random random, int name, AsyncQueue<Item> queue) {
        return Mono.defer(() -> {
            int n = draw(random, 10);
            return Flux.range(0, n)
                    .concatMap(i -> randsleep(story, random, "Producer " + name)
                            .then(Mono.defer(() -> {
                                String value = hex(random);
                                // said before the put, as in asyncq.py (where the put of an unbounded
                                // queue never waits): a consumer may take the item the moment it is in
                                story.say("Producer %d added <%s> to queue.", name, value);
                                return queue.put(new Item(value, System.nanoTime()));
                            })))
                    .then(Mono.just(n));
        });
    }

    private static Mono<Void> consume(Story story, Random random, int name, AsyncQueue<Item> queue) {
        return randsleep(story, random, "Consumer " + name)
                .then(queue.take())
                .doOnNext(item -> {
                    story.say("Consumer %d got element <%s> in %.5f seconds.", name, item.value(), story.since(item.putAt()));
                    queue.taskDone();
                })
                .repeat()
                .then();
    }

    private static Mono<Void> randsleep(Story story, Random random, String caller) {
        return Mono.defer(() -> {
            int i = draw(random, 10);
            story.say("%s sleeping for %d seconds.", caller, i);
            return Tasks.sleep(story.seconds(i));
        });
    }

    private static int draw(Random random, int max) {
        synchronized (random) {
            return random.nextInt(max + 1);
        }
    }

    private static String hex(Random random) {
        byte[] bytes = new byte[5];
        synchronized (random) {
            random.nextBytes(bytes);
        }
        return HexFormat.of().formatHex(bytes);
    }
}
