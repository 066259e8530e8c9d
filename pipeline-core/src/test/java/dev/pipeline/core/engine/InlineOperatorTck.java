package dev.pipeline.core.engine;

import java.util.List;

import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** {@link InlineOperator}: the hand-written operator for a source and its inline stages. */
public class InlineOperatorTck extends PublisherVerification<Object> {

    public InlineOperatorTck() {
        super(new TestEnvironment(2000, 500), 1000);
    }

    private static InlineOperator operator(Flux<Object> upstream) {
        RunContext ctx = new RunContext("tck", Schedulers.parallel(), List.of(), false);
        NodeAccount source = ctx.node("source", "source", true, "");
        NodeAccount m = ctx.node("plus", "map", true, "");
        m.from(source);
        NodeAccount f = ctx.node("evens", "filter", true, "");
        f.from(m);
        InlineOperator.Step[] steps = {
            InlineOperator.Step.of(new MapStage(StageOptions.named("plus"), n -> (Long) n + 1), m.newCell(), ctx),
            InlineOperator.Step.of(new FilterStage(StageOptions.named("evens"), n -> (Long) n % 2 == 0), f.newCell(), ctx),
        };
        return new InlineOperator(upstream, "source", source.newCell(), steps);
    }

    @Override
    public Publisher<Object> createPublisher(long elements) {
        // 0..2n-1 plus one, evens kept: twice as many go in as come out (dropped items exercise
        // both the request(1) path and tryOnNext's)
        return operator(Flux.<Object>fromIterable(() -> java.util.stream.LongStream.range(0, 2 * elements)
                .mapToObj(v -> (Object) v).iterator()));
    }

    @Override
    public Publisher<Object> createFailedPublisher() {
        return operator(Flux.error(new IllegalStateException("source down (expected by the TCK)")));
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1024;
    }
}
