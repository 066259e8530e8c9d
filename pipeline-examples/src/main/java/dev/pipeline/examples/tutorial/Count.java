package dev.pipeline.examples.tutorial;

import java.util.concurrent.locks.LockSupport;

import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/** countasync.py / countsync.py: three count() calls print "One", sleep a second, print "Two". */
@Command(name = "count", mixinStandardHelpOptions = true,
        description = "Three count() calls: One ... (1 s) ... Two. Async about 1 s; --sync about 3 s.")
public final class Count extends TimedExample {

    @Option(names = "--sync", description = "count one after another with a blocking sleep (about 3 s)")
    boolean sync;

    @Override
    protected int run(Story story) {
        if (sync) {
            for (int i = 0; i < 3; i++) {
                story.say("One");
                LockSupport.parkNanos(story.seconds(1).toNanos());
                story.say("Two (%.2f s)", story.elapsed());
            }
        } else {
            Tasks.run(Tasks.gather(count(story), count(story), count(story)));
        }
        story.say("count%s executed in %.2f seconds.", sync ? " --sync" : "", story.elapsed());
        return 0;
    }

    /** {@code async def count(): print("One"); await asyncio.sleep(1); print("Two")}. */
    static Mono<Boolean> count(Story story) {
        return Mono.defer(() -> {
            story.say("One");
            return Tasks.sleep(story.seconds(1), true);
        }).doOnNext(done -> story.say("Two (%.2f s)", story.elapsed()));
    }
}
