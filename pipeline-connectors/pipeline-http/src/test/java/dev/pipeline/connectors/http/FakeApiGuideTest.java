package dev.pipeline.connectors.http;

// tag::imports[]
import java.time.Duration;
import java.util.List;

import dev.pipeline.connectors.http.demo.DemoApiServer;
import dev.pipeline.connectors.http.demo.Fault;
import dev.pipeline.core.DeadLetter;
import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import org.junit.jupiter.api.Test;

import static dev.pipeline.test.PipelineAssertions.assertThat;
// end::imports[]

/** docs/testing.md: the fake HTTP API with scripted faults, asserted with the test kit. */
class FakeApiGuideTest {

    @Test
    void scriptedFaultsMeetTheStagesRetries() {
        // tag::scripted[]
        try (DemoApiServer api = DemoApiServer.start()) {
            api.enqueue("/items/1", Fault.status(503).retryAfter(Duration.ofSeconds(1)), Fault.reset())   // then 200
               .enqueue("/items/2", Fault.status(404));                                                  // not retried
            HttpOptions fast = HttpOptions.defaults().retries(3, Duration.ofMillis(10), Duration.ofMillis(50));

            PipelineReport<List<String>> report = Pipeline.from(Source.fromIterable("ids", List.of(1, 2, 3)))
                    .then(HttpStages.get("fetch", (Integer id) -> api.baseUri().resolve("/items/" + id), String.class, fast)
                            .onError(ErrorPolicy.deadLetter(Sink.<DeadLetter<?>>collect("failed"))))
                    .to(Sink.collect("bodies"))
                    .run().block(Duration.ofSeconds(30));

            assertThat(report).completed().reconciles()
                    .stage("fetch").received(3).emitted(2).retried(2).deadLettered(1)
                    .and().deadLetters("failed").containItems(2).allCausedBy(HttpStatusException.class)
                    .letterOf(2).hasAttempts(1).error().hasMessageContaining("404");
        }
        // end::scripted[]
    }
}
