package dev.pipeline.examples.tutorial;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.pipeline.core.aio.Task;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * asyncio.to_thread: a blocking call (a one-second blocking sleep) runs on another thread while
 * a ticker keeps printing every quarter second; the event loop is never blocked.
 */
@Command(name = "to-thread", mixinStandardHelpOptions = true,
        description = "A blocking call on another thread (Tasks.toThread) while a ticker keeps ticking.")
public final class ToThread extends TimedExample {

    @Override
    protected int run(Story story) {
        AtomicInteger ticks = new AtomicInteger();
        Mono<Integer> blocking = Tasks.toThread(() -> {
            story.say("%.2f s: blocking call starts on %s", story.elapsed(), Thread.currentThread().getName());
            LockSupport.parkNanos(story.seconds(1).toNanos());
            story.say("%.2f s: blocking call done", story.elapsed());
            return ticks.get();
        });
        int ticked = Tasks.run(Mono.defer(() -> {
            Task<Integer> call = Tasks.createTask(blocking);
            return Flux.interval(story.seconds(0.25))
                    .doOnNext(i -> story.say("%.2f s: tick %d", story.elapsed(), ticks.incrementAndGet()))
                    .takeUntilOther(call.join())
                    .then(call.join());
        }));
        story.say("the ticker ticked %d times while the call blocked; done in %.2f seconds.", ticked, story.elapsed());
        return 0;
    }
}
