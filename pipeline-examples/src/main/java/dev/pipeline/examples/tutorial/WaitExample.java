package dev.pipeline.examples.tutorial;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import dev.pipeline.core.aio.ReturnWhen;
import dev.pipeline.core.aio.Task;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.core.aio.WaitResult;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import reactor.core.publisher.Mono;

/**
 * asyncio.wait: the same document fetched from three mirrors at once (answering in 3 s, 1 s and
 * 2 s). A wait with a timeout of half a second returns every fetch still pending and cancels
 * none; a wait for the first completed returns the fastest mirror, and the example then cancels
 * the other two.
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Tasks.wait: three mirrors race; FIRST_COMPLETED takes the fastest, then the rest are cancelled.")
public final class WaitExample extends TimedExample {

    private static final List<String> MIRRORS = List.of("mirror-a", "mirror-b", "mirror-c");
    private static final List<Integer> LATENCIES = List.of(3, 1, 2);

    @Override
    protected int run(Story story) {
        // tag::wait[]
        List<Task<String>> fetches = new ArrayList<>();
        for (int i = 0; i < MIRRORS.size(); i++) {
            fetches.add(Tasks.createTask(MIRRORS.get(i), fetch(story, MIRRORS.get(i), LATENCIES.get(i))));
        }
        WaitResult<Task<String>> early = Tasks.run(
                Tasks.wait(fetches, ReturnWhen.ALL_COMPLETED, story.seconds(0.5)));
        story.say("%.2f s: wait(timeout=0.5): done=%s pending=%s", story.elapsed(),
                names(early.done()), names(early.pending()));

        WaitResult<Task<String>> first = Tasks.run(Tasks.wait(fetches, ReturnWhen.FIRST_COMPLETED));
        story.say("%.2f s: wait(FIRST_COMPLETED): done=%s pending=%s", story.elapsed(),
                names(first.done()), names(first.pending()));
        first.pending().forEach(Task::cancel);
        Task<String> winner = first.done().iterator().next();
        story.say("winner: %s", winner.result());
        // end::wait[]
        for (Task<String> task : fetches) {
            story.say("  %s: %s", task.name(), task.isCancelled() ? "cancelled" : "done");
        }
        story.say("wait executed in %.2f seconds.", story.elapsed());
        return 0;
    }

    /** {@code async def fetch(mirror, delay)}: prints, sleeps delay seconds, returns the payload. */
    private static Mono<String> fetch(Story story, String mirror, int latency) {
        return Mono.defer(() -> {
            story.say("%s: GET /document (answers in %d s)", mirror, latency);
            return Tasks.sleep(story.seconds(latency), "document from " + mirror);
        })
                .doOnNext(payload -> story.say("%.2f s: %s: answered", story.elapsed(), mirror))
                .doOnCancel(() -> story.say("%.2f s: %s: cancelled", story.elapsed(), mirror));
    }

    private static String names(Collection<? extends Task<?>> tasks) {
        return tasks.stream().map(Task::name).collect(Collectors.joining(", ", "[", "]"));
    }
}
