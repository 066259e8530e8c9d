package dev.pipeline.examples.tutorial;

import dev.pipeline.core.aio.AsyncFuture;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import reactor.core.publisher.Mono;

/** asyncio.Future: one task awaits a future that another sets a second later. */
@Command(name = "future", mixinStandardHelpOptions = true,
        description = "An AsyncFuture awaited by one task and resolved by another.")
public final class FutureExample extends TimedExample {

    @Override
    protected int run(Story story) {
        AsyncFuture<String> future = AsyncFuture.create();
        Mono<String> setAfter = Tasks.sleep(story.seconds(1), "... world").doOnNext(value -> {
            story.say("%.2f s: setting the future's result", story.elapsed());
            future.setResult(value);
        });
        Mono<String> awaiter = Mono.defer(() -> {
            story.say("awaiting the future (done: %s)", future.isDone());
            return future.mono();
        }).doOnNext(value -> story.say("%.2f s: the future says: hello %s", story.elapsed(), value));
        Tasks.run(Tasks.gather(awaiter, setAfter));
        story.say("future executed in %.2f seconds.", story.elapsed());
        return 0;
    }
}
