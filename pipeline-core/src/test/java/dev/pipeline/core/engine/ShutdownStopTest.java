package dev.pipeline.core.engine;

import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.PipelineStatus;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.pipeline.core.aio.Tasks;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RunningPipeline#stopOnShutdown}: the hook's logic, run directly on the test's thread
 * (which is what the JVM does with a hook), with a record of the hooks in place of the
 * Runtime's. The real shutdown is in {@link StopOnShutdownProcessTest}; that a run of
 * {@link Pipeline#run()} refuses it, in {@code PipelinesGuideTest}.
 */
class ShutdownStopTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** What was registered and unregistered. */
    static final class RecordedHooks implements ShutdownStop.Hooks {
        final List<Thread> added = new CopyOnWriteArrayList<>();
        final List<Thread> removed = new CopyOnWriteArrayList<>();

        @Override
        public void add(Thread hook) {
            added.add(hook);
        }

        @Override
        public void remove(Thread hook) {
            removed.add(hook);
        }
    }

    private final RecordedHooks hooks = new RecordedHooks();

    /** A run of a tick every 5 ms (dropped while {@code stage} is busy) until it is stopped. */
    private static Run<Void> ticking(Stage<Long, Long> stage) {
        return (Run<Void>) Pipeline.from(Source.of("ticks", Flux.interval(Duration.ofMillis(5)).onBackpressureDrop()))
                .then(stage)
                .to(Sink.forEach("drop", (Long n) -> { }))
                .named("ticking")
                .start();
    }

    /** Waits (bounded) until {@code stage} has {@code items} in flight. */
    private static void untilInFlight(RunningPipeline<?> run, String stage, long items) {
        run.progress(Duration.ofMillis(5)).filter(r -> r.stage(stage).inFlight() >= items).blockFirst(WAIT);
    }

    @Nested
    class OnShutdown {

        private final AtomicReference<PipelineReport<Void>> handed = new AtomicReference<>();

        @Test
        void theHookStopsTheRunLetsTheItemsInFlightFinishAndHandsOverTheReport() {
            Run<Void> run = ticking(Stage.mapAsync("work", (Long n) -> Tasks.sleep(Duration.ofMillis(50), n)).concurrency(4));
            ShutdownStop<Void> stop = run.stopOnShutdown(Duration.ofSeconds(5), handed::set, hooks);
            assertThat(hooks.added).containsExactly(stop.thread());
            untilInFlight(run, "work", 1);

            stop.thread().run();                                 // what the JVM does on shutdown

            PipelineReport<Void> report = handed.get();
            assertThat(report).as("handed over before the hook returns").isNotNull();
            assertThat(report.status()).isEqualTo(PipelineStatus.STOPPED);
            assertThat(report.cutOff()).as("the items in flight finished within the grace").isZero();
            assertThat(report.stage("work").emitted()).isPositive();
            assertThat(report.balances()).isTrue();
            assertThat(run.status()).isEqualTo(PipelineStatus.STOPPED);
            assertThat(stop.isDisposed()).isTrue();
            assertThat(hooks.removed).as("never unregistered while the JVM runs it").isEmpty();
        }

        @Test
        void whatTheGraceCannotFinishIsCutOffAndTheHookReturnsWhenTheGraceEnds() {
            AtomicInteger cancelled = new AtomicInteger();
            Run<Void> run = ticking(Stage.mapAsync("hangs", (Long n) -> Mono.<Long>never()
                    .doOnCancel(cancelled::incrementAndGet)).concurrency(3));
            ShutdownStop<Void> stop = run.stopOnShutdown(Duration.ofMillis(200), handed::set, hooks);
            untilInFlight(run, "hangs", 3);

            long start = System.nanoTime();
            stop.thread().run();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isBetween(Duration.ofMillis(150), Duration.ofMillis(200).plus(ShutdownStop.MARGIN));
            assertThat(handed.get().status()).isEqualTo(PipelineStatus.STOPPED);
            assertThat(handed.get().cutOff()).isEqualTo(3);
            assertThat(cancelled).hasValue(3);
        }

        @Test
        void aRunThatEndedAtThatMomentIsHandedOverAsItEnded() {
            Run<Void> run = ticking(Stage.map("fails", (Long n) -> {
                throw new IllegalStateException("boom");
            }));
            // the hook is run before the end is seen: the JVM began shutting down as the run failed
            ShutdownStop<Void> stop = ShutdownStop.register(run, "ticking", Duration.ofSeconds(1), handed::set,
                    Mono.never(), hooks);
            Tasks.run(run.await().onErrorResume(e -> Mono.empty()));

            stop.thread().run();

            assertThat(handed.get().status()).isEqualTo(PipelineStatus.FAILED);
        }

        @Test
        void aFailingCallbackIsLoggedNotThrown() {
            Run<Void> run = ticking(Stage.map("id", (Long n) -> n));
            ShutdownStop<Void> stop = run.stopOnShutdown(Duration.ZERO, r -> {
                throw new IllegalStateException("the callback broke");
            }, hooks);

            stop.thread().run();

            assertThat(run.status()).isEqualTo(PipelineStatus.STOPPED);
        }
    }

    @Nested
    class Unregistering {

        @Test
        void theHookIsUnregisteredWhenTheRunEndsOnItsOwn() {
            Run<List<Integer>> run = (Run<List<Integer>>) Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                    .to(Sink.collect("out")).start();
            AtomicReference<PipelineReport<List<Integer>>> handed = new AtomicReference<>();
            ShutdownStop<List<Integer>> stop = run.stopOnShutdown(Duration.ofSeconds(1), handed::set, hooks);
            run.await().block(WAIT);

            assertThat(hooks.removed).containsExactly(stop.thread());
            assertThat(stop.isDisposed()).isTrue();
            stop.thread().run();                                 // had the JVM still run it: nothing to do
            assertThat(handed.get()).isNull();
        }

        @Test
        void aHookRegisteredAfterTheRunEndedIsUnregisteredAtOnce() {
            Run<List<Integer>> run = (Run<List<Integer>>) Pipeline.from(Source.fromIterable("n", List.of(1)))
                    .to(Sink.collect("out")).start();
            run.await().block(WAIT);

            ShutdownStop<List<Integer>> stop = run.stopOnShutdown(Duration.ofSeconds(1), r -> { }, hooks);

            assertThat(hooks.added).containsExactly(stop.thread());
            assertThat(hooks.removed).containsExactly(stop.thread());
        }

        @Test
        void disposeUnregistersOnceAndTheRunGoesOn() {
            Run<Void> run = ticking(Stage.map("id", (Long n) -> n));
            ShutdownStop<Void> stop = run.stopOnShutdown(Duration.ofSeconds(1), r -> { }, hooks);

            stop.dispose();
            stop.dispose();

            assertThat(hooks.removed).containsExactly(stop.thread());
            assertThat(run.status()).isEqualTo(PipelineStatus.RUNNING);
            run.cancel().block(WAIT);
            assertThat(hooks.removed).as("the end does not unregister it again").hasSize(1);
        }

        @Test
        void withTheJvmsRuntimeNoHookOutlivesItsRun() {
            RunningPipeline<List<Integer>> run = Pipeline.from(Source.fromIterable("n", List.of(1, 2, 3)))
                    .then(Stage.mapAsync("later", (Integer n) -> Tasks.sleep(Duration.ofMillis(20), n)))
                    .to(Sink.collect("out")).start();
            Disposable hook = run.stopOnShutdown(Duration.ofSeconds(1), r -> { });
            Thread thread = ((ShutdownStop<?>) hook).thread();
            run.await().block(WAIT);

            assertThat(hook.isDisposed()).isTrue();
            assertThat(Runtime.getRuntime().removeShutdownHook(thread)).as("already unregistered").isFalse();
        }
    }

    @Test
    void argumentsAreChecked() {
        RunningPipeline<Void> run = Pipeline.from(Source.of("never", Flux.<Integer>never()))
                .to(Sink.forEach("drop", (Integer n) -> { })).start();
        assertThatThrownBy(() -> run.stopOnShutdown(Duration.ofSeconds(-1), r -> { }))
                .hasMessage("grace must be >= 0, was PT-1S");
        assertThatThrownBy(() -> run.stopOnShutdown(Duration.ZERO, null))
                .isInstanceOf(NullPointerException.class).hasMessage("onStopped must not be null");
        run.cancel().block(WAIT);
    }
}
