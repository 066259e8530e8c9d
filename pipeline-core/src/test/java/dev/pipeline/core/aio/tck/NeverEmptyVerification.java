package dev.pipeline.core.aio.tck;

import org.reactivestreams.tck.PublisherVerification;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * Base for a single-valued publisher that cannot complete empty (a take, a gather, an
 * arrival): its 0-element form is one that keeps waiting, which serves the §1.9 tests. §1.5's
 * empty-stream test is skipped explicitly, because TCK 1.0.4 does not check the errors it
 * recorded after an optional test and would pass it without verifying anything.
 *
 * @param <T> the value type
 */
abstract class NeverEmptyVerification<T> extends PublisherVerification<T> {

    private final String whyNeverEmpty;

    NeverEmptyVerification(String whyNeverEmpty) {
        super(TckSupport.env(), TckSupport.GC_TIMEOUT_MILLIS);
        this.whyNeverEmpty = whyNeverEmpty;
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }

    @Override
    @Test
    public void optional_spec105_emptyStreamMustTerminateBySignallingOnComplete() {
        throw new SkipException(whyNeverEmpty);
    }
}
