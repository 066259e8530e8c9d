package dev.pipeline.connectors.file;

import java.nio.file.Path;
import java.time.Duration;

import dev.pipeline.test.SinkContract;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector contract for file sinks writing under {@link #dir()}: released means no
 * descriptor open and no temporary file left there, checked after every test too.
 *
 * @param <T> the item type
 */
interface FileSinkContract<T> extends SinkContract<T> {

    /** The directory the sink under test writes into. */
    Path dir();

    @Override
    default Mono<Boolean> released() {
        return FileSinkFixture.clean(dir());
    }

    /** Two prefetch windows (the writer's and the pipeline's) plus the stage's small batch. */
    @Override
    default long maxOutstandingDemand() {
        return 2L * WriteOptions.DEFAULT_PREFETCH + 64;
    }

    @AfterEach
    default void nothingLeftOpen() {
        assertThat(released().block(Duration.ofSeconds(10))).isTrue();
    }
}
