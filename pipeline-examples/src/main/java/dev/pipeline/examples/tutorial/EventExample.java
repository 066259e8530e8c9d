package dev.pipeline.examples.tutorial;

import dev.pipeline.core.aio.AsyncEvent;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import reactor.core.publisher.Mono;

/** asyncio.Event: a waiter waits until a setter sets the event a second later. */
@Command(name = "event", mixinStandardHelpOptions = true,
        description = "An AsyncEvent: the waiter blocks (without a thread) until the setter sets it.")
public final class EventExample extends TimedExample {

    @Override
    protected int run(Story story) {
        AsyncEvent event = AsyncEvent.create();
        Mono<String> waiter = Mono.defer(() -> {
            story.say("waiter: waiting for the event");
            return event.awaitSet().thenReturn("waiter");
        }).doOnNext(w -> story.say("%.2f s: waiter: the event is set, going on", story.elapsed()));
        Mono<String> setter = Tasks.sleep(story.seconds(1), "setter").doOnNext(s -> {
            story.say("%.2f s: setter: setting the event", story.elapsed());
            event.set();
        });
        Tasks.run(Tasks.gather(waiter, setter));
        story.say("event executed in %.2f seconds.", story.elapsed());
        return 0;
    }
}
