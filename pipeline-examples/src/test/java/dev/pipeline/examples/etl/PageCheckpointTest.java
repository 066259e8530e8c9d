package dev.pipeline.examples.etl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ETL's page checkpoint: its watermark, its bound, its lock, and what a failed run settles (nothing). */
class PageCheckpointTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("etl.checkpoint");
    }

    private String written() throws IOException {
        return Files.readString(file()).trim();
    }

    @Test
    void pagesSettledOutOfOrderMoveTheCheckpointOnlyOverAContiguousRun() throws IOException {
        PageCheckpoint cp = PageCheckpoint.open(file(), 10, 8, Schedulers.immediate());
        assertThat(cp.resuming()).isFalse();
        assertThat(written()).as("written at once, so a kill from here on resumes").isEqualTo("{\"done\":0,\"read\":0,\"pages\":10}");
        for (int page = 1; page <= 4; page++) {
            cp.deliver(page);
        }
        cp.settle(3);
        cp.settle(2);
        assertThat(cp.done()).as("page 1 is not done: 2 and 3 wait behind it").isZero();
        cp.settle(1);
        assertThat(cp.done()).isEqualTo(3);
        cp.close();
        assertThat(written()).isEqualTo("{\"done\":3,\"read\":4,\"pages\":10}");

        PageCheckpoint again = PageCheckpoint.open(file(), 10, 8, Schedulers.immediate());
        assertThat(again.resuming()).isTrue();
        assertThat(again.firstPage()).isEqualTo(4);
        again.deliver(4);
        again.deliver(5);
        assertThat(again.repeated()).as("page 4 was taken before; 5 was not").isEqualTo(1);
        again.close();
    }

    @Test
    void aFailedRunSettlesNothingPastTheFailure() throws IOException {
        PageCheckpoint cp = PageCheckpoint.open(file(), 20, 20, Schedulers.boundedElastic());
        StepVerifier.create(Pipeline.from(cp.source("pages"))
                        .then(Stage.map("fail on 3", (Integer p) -> {
                            if (p == 3) {
                                throw new IllegalStateException("page 3 is bad");
                            }
                            return p;
                        }))
                        .to(Sink.<Integer>forEach("store", p -> { })).run())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("page 3 is bad"))
                .verify(WAIT);
        cp.close();
        assertThat(cp.done()).as("page 3 failed: the checkpoint stays below it").isLessThanOrEqualTo(2);
        assertThat(written()).startsWith("{\"done\":" + cp.done() + ",");
    }

    @Test
    void writesThatKeepFailingFailTheRunNamingTheFileInsteadOfStallingAtTheWindow() throws IOException {
        PageCheckpoint cp = PageCheckpoint.open(file(), 50, 2, Schedulers.boundedElastic());
        // the temporary file's name taken by a non-empty directory: every write fails, even as root
        Files.createDirectories(dir.resolve("etl.checkpoint.tmp").resolve("in-the-way"));
        StepVerifier.create(Pipeline.from(cp.source("pages")).to(Sink.<Integer>forEach("store", p -> { })).run())
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("--checkpoint " + file())
                        .hasMessageContaining("could not be written " + PageCheckpoint.WRITE_ATTEMPTS + " times in a row")
                        .hasMessageContaining("a restart resumes at page 1"))
                .verify(WAIT);
        assertThat(cp.unsettled()).as("the source stopped at the window").isLessThanOrEqualTo(2);
        assertThat(written()).as("the last good write").startsWith("{\"done\":0,");
        assertThatThrownBy(cp::close).hasMessageContaining("the last write failed"); // and the lock is released
        Files.delete(dir.resolve("etl.checkpoint.tmp").resolve("in-the-way"));
        Files.delete(dir.resolve("etl.checkpoint.tmp"));
        PageCheckpoint.open(file(), 50, 2, Schedulers.immediate()).close();
    }

    @Test
    void theSourceTakesNoMoreThanTheWindowPastTheLastPageWrittenAsDone() throws Exception {
        PageCheckpoint cp = PageCheckpoint.open(file(), 100, 3, Schedulers.boundedElastic());
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch three = new CountDownLatch(3);
        // page 1 never finishes: 2 and 3 settle behind it, and the checkpoint stays at 0
        RunningPipeline<Void> run = Pipeline.from(cp.source("pages"))
                .then(Stage.mapAsync("hold page 1", (Integer p) -> {
                    seen.add(p);
                    three.countDown();
                    return p == 1 ? Mono.<Integer>never() : Mono.just(p);
                }).concurrency(8).ordered(false))
                .to(Sink.<Integer>forEach("store", p -> { }))
                .start();
        try {
            assertThat(three.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(cp.done()).isZero();
            assertThat(cp.unsettled()).isEqualTo(3);
            assertThat(seen).containsExactlyInAnyOrder(1, 2, 3);
        } finally {
            run.cancel().block(WAIT);
            cp.close();
        }
        assertThat(seen).as("nothing past the window, even while cancelling").containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void aSecondHolderIsRefusedNamingTheLockFileUntilTheFirstCloses() {
        PageCheckpoint first = PageCheckpoint.open(file(), 10, 4, Schedulers.immediate());
        assertThatThrownBy(() -> PageCheckpoint.open(file(), 10, 4, Schedulers.immediate()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file() + ".lock is locked by another etl run using this checkpoint");
        first.close();
        PageCheckpoint.open(file(), 10, 4, Schedulers.immediate()).close();
    }

    @Test
    void aCheckpointOfAnotherJobIsRefused() throws IOException {
        Files.writeString(file(), "{\"done\":3,\"read\":5,\"pages\":50}\n");
        assertThatThrownBy(() -> PageCheckpoint.open(file(), 10, 4, Schedulers.immediate()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is for a job of 50 pages, this one has 10");
        Files.writeString(file(), "garbage");
        assertThatThrownBy(() -> PageCheckpoint.open(file(), 10, 4, Schedulers.immediate()))
                .hasMessageContaining("is not an etl checkpoint");
        // the failed opens released the lock
        Files.delete(file());
        PageCheckpoint.open(file(), 10, 4, Schedulers.immediate()).close();
        assertThat(List.of(written())).containsExactly("{\"done\":0,\"read\":0,\"pages\":10}");
    }
}
