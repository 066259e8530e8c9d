package dev.pipeline.examples.tutorial;

import java.util.List;

import dev.pipeline.core.aio.Task;
import dev.pipeline.core.aio.TaskGroup;
import dev.pipeline.core.aio.TaskGroupException;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import dev.pipeline.examples.TimedExample;
import picocli.CommandLine.Command;
import reactor.core.publisher.Mono;

/**
 * The fetch_data walk-through: the same two calls (1 s and 3 s) awaited one after another
 * (about 4 s), as tasks (about 3 s), gathered, and in a TaskGroup; then a TaskGroup in which one
 * child fails and the others are cancelled.
 */
@Command(name = "fetch-data", mixinStandardHelpOptions = true,
        description = "fetch_data(1) and fetch_data(3): sequential ~4 s, tasks ~3 s, gather, TaskGroup, and a failing TaskGroup.")
public final class FetchData extends TimedExample {

    @Override
    protected int run(Story story) {
        variant(story, "1. coroutines awaited one after another",
                fetch(story, 1).flatMap(r1 -> fetch(story, 3).map(r2 -> List.of(r1, r2))));
        variant(story, "2. tasks (create_task, then await each)", Mono.defer(() -> {
            Task<String> t1 = Tasks.createTask(fetch(story, 1));
            Task<String> t2 = Tasks.createTask(fetch(story, 3));
            return t1.join().flatMap(r1 -> t2.join().map(r2 -> List.of(r1, r2)));
        }));
        variant(story, "3. gather", Tasks.gather(fetch(story, 1), fetch(story, 3)));
        variant(story, "4. TaskGroup", TaskGroup.run(tg -> {
            Task<String> t1 = tg.spawn(fetch(story, 1));
            Task<String> t2 = tg.spawn(fetch(story, 3));
            return Mono.just(List.of(t1, t2));
        }).map(tasks -> tasks.stream().map(Task::result).toList()));

        story.say("");
        story.say("== 5. TaskGroup where fetch_data(2) fails");
        long start = System.nanoTime();
        Task<?>[] children = new Task<?>[3];
        try {
            Tasks.run(TaskGroup.run(tg -> {
                children[0] = tg.spawn(fetch(story, 1));
                children[1] = tg.spawn(failing(story, 2));
                children[2] = tg.spawn(fetch(story, 3));
                return Mono.just(true);
            }));
        } catch (TaskGroupException e) {
            story.say("TaskGroup failed after %.2f s: %s", story.since(start), e.getExceptions().get(0).getMessage());
        }
        int[] params = {1, 2, 3};
        for (int i = 0; i < children.length; i++) {
            Task<?> task = children[i];
            String state = task.isCancelled() ? "cancelled" : failed(task) ? "failed" : "done: " + task.result();
            story.say("  task fetch_data(%d): %s", params[i], state);
        }
        return 0;
    }

    private static boolean failed(Task<?> task) {
        try {
            task.result();
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static void variant(Story story, String title, Mono<List<String>> body) {
        story.say("");
        story.say("== %s", title);
        long start = System.nanoTime();
        List<String> results = Tasks.run(body);
        story.say("%s in %.2f seconds", results, story.since(start));
    }

    /** {@code async def fetch_data(param)}: prints, sleeps param seconds, returns "Result of param". */
    static Mono<String> fetch(Story story, int param) {
        return Mono.defer(() -> {
            story.say("Do something with %d...", param);
            return Tasks.sleep(story.seconds(param), param);
        }).map(p -> {
            story.say("Done with %d", p);
            return "Result of " + p;
        });
    }

    private static Mono<String> failing(Story story, int param) {
        return Mono.defer(() -> {
            story.say("Do something with %d (this one will fail)...", param);
            return Tasks.sleep(story.seconds(param));
        }).then(Mono.error(() -> new IllegalStateException("fetch_data(" + param + ") failed")));
    }
}
