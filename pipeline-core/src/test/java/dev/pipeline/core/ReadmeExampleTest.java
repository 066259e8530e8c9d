package dev.pipeline.core;

import java.time.Duration;
import java.util.List;

import dev.pipeline.core.aio.AsyncQueue;
import dev.pipeline.core.aio.Task;
import dev.pipeline.core.aio.Tasks;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/** The example in README.md, run as a test (DocSnippetsTest keeps the README copy identical). */
class ReadmeExampleTest {

    static Mono<String> fetch(String name) {
        return Tasks.sleep(Duration.ofMillis(10), "page " + name);
    }

    @Test
    void gatherAndABoundedQueue() {
        // tag::quickstart[]
        // asyncio.gather: run three coroutines concurrently, results in argument order
        List<String> pages = Tasks.run(Tasks.gather(fetch("a"), fetch("b"), fetch("c")));

        // asyncio.Queue(maxsize=2): a consumer task takes items as it requests them and marks
        // each done; the producer waits while the queue is full; join() waits for task_done()
        AsyncQueue<String> queue = AsyncQueue.bounded(2);
        Task<List<String>> consumer = Tasks.createTask(
                queue.asFlux().doOnNext(page -> queue.taskDone()).collectList());
        Tasks.run(queue.putAll(Flux.fromIterable(pages)).then(queue.join()));
        queue.shutdown(); // the consumer's Flux completes once the queue is drained
        List<String> consumed = Tasks.run(consumer.join());
        // end::quickstart[]
        assertThat(pages).containsExactly("page a", "page b", "page c");
        assertThat(consumed).containsExactly("page a", "page b", "page c");
    }
}
