package dev.pipeline.core;

import java.time.Duration;

import dev.pipeline.core.aio.Tasks;
import reactor.core.publisher.Flux;

/**
 * A program that runs a pipeline until the JVM is told to stop, for {@link StopOnShutdownProcessTest}:
 * counts 0, 1, 2, ... into a stage where each item takes 300 ms, 8 at a time; the shutdown hook stops
 * it with a grace of 5 s and prints the final report.
 */
public final class StopOnShutdownMain {

    private StopOnShutdownMain() {
    }

    public static void main(String[] args) {
        // tag::stopOnShutdown[]
        RunningPipeline<Void> run = Pipeline.from(Source.of("numbers", Flux.range(0, Integer.MAX_VALUE)))
                .then(Stage.mapAsync("work", (Integer n) -> Tasks.sleep(Duration.ofMillis(300), n)).concurrency(8))
                .to(Sink.forEach("done", (Integer n) -> { }))
                .named("until-sigterm")
                .start();
        run.stopOnShutdown(Duration.ofSeconds(5), report -> System.out.print(report));   // SIGTERM, Ctrl-C
        // end::stopOnShutdown[]
        run.progress(Duration.ofMillis(20)).filter(r -> r.stage("done").emitted() > 0).blockFirst();
        System.out.println("running");
        System.out.flush();
        run.await().block();
    }
}
