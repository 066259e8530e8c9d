package dev.pipeline.core.micrometer;

import java.time.Duration;
import java.util.List;

import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerPipelineListenerTest {

    @Test
    void publishesLiveCountsPerStageAndRemovesThemAtTheEnd() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Sinks.Many<Integer> feed = Sinks.many().unicast().onBackpressureBuffer();
        RunningPipeline<List<Integer>> run = Pipeline.from(Source.of("feed", feed.asFlux()))
                .then(Stage.map("invert", (Integer n) -> 12 / n).onError(ErrorPolicy.skip()))
                .to(Sink.collect("out"))
                .named("metrics")
                .withListener(new MicrometerPipelineListener(registry))
                .start();
        feed.tryEmitNext(1);
        feed.tryEmitNext(0);
        feed.tryEmitNext(3);
        assertThat(registry.get("pipeline.stage.items").tags("pipeline", "metrics", "stage", "invert", "outcome", "received")
                .functionCounter().count()).isEqualTo(3.0);
        assertThat(registry.get("pipeline.stage.items").tags("stage", "invert", "outcome", "skipped")
                .functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("pipeline.stage.items").tags("stage", "out", "outcome", "emitted")
                .functionCounter().count()).isEqualTo(2.0);
        assertThat(registry.get("pipeline.stage.in_flight").tags("stage", "invert").gauge().value()).isZero();
        feed.tryEmitComplete();
        PipelineReport<List<Integer>> r = run.await().block(Duration.ofSeconds(10));
        assertThat(r.result()).contains(List.of(12, 4));
        assertThat(registry.find("pipeline.stage.items").meters()).as("removed once the run ended").isEmpty();
    }
}
