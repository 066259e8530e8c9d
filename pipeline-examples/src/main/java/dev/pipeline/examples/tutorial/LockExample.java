package dev.pipeline.examples.tutorial;

import java.util.ArrayList;
import java.util.List;

import dev.pipeline.core.aio.AsyncLock;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import reactor.core.publisher.Mono;

/**
 * asyncio.Lock: five workers read a shared counter, sleep, and write it back plus one, inside
 * the lock; without it they would all read 0. The lines go before 0, after 1, ... after 5.
 */
@Command(name = "lock", mixinStandardHelpOptions = true,
        description = "Five workers increment a shared counter inside an AsyncLock: 0..5 strictly in order.")
public final class LockExample extends TimedExample {

    private int counter;

    @Override
    protected int run(Story story) {
        AsyncLock lock = AsyncLock.create();
        List<Mono<Integer>> workers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            workers.add(lock.withLock(() -> {
                int seen = counter;
                story.say("worker %d before: counter = %d", id, seen);
                return Tasks.sleep(story.seconds(0.1), seen).map(value -> {
                    counter = value + 1;
                    story.say("worker %d after:  counter = %d", id, counter);
                    return counter;
                });
            }));
        }
        Tasks.run(Tasks.gather(workers));
        story.say("final counter = %d (expected 5) in %.2f seconds.", counter, story.elapsed());
        return counter == 5 ? 0 : 1;
    }
}
