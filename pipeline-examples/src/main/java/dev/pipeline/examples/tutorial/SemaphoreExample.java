package dev.pipeline.examples.tutorial;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.core.aio.AsyncSemaphore;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import reactor.core.publisher.Mono;

/** asyncio.Semaphore(2): five tasks access a resource, at most two at a time, one second each. */
@Command(name = "semaphore", mixinStandardHelpOptions = true,
        description = "Semaphore(2) over five resources: accessed and released in pairs.")
public final class SemaphoreExample extends TimedExample {

    @Override
    protected int run(Story story) {
        AsyncSemaphore semaphore = AsyncSemaphore.of(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Mono<Integer>> tasks = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            int id = i;
            tasks.add(semaphore.withPermit(() -> {
                int now = inside.incrementAndGet();
                most.accumulateAndGet(now, Math::max);
                story.say("%.2f s: accessing resource %d (%d inside)", story.elapsed(), id, now);
                return Tasks.sleep(story.seconds(1), id).doOnNext(done -> {
                    inside.decrementAndGet();
                    story.say("%.2f s: released resource %d", story.elapsed(), id);
                });
            }));
        }
        Tasks.run(Tasks.gather(tasks));
        story.say("at most %d inside at once; done in %.2f seconds.", most.get(), story.elapsed());
        return most.get() <= 2 ? 0 : 1;
    }
}
