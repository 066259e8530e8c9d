package dev.pipeline.connectors.process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessesTest {

    private static final Duration T = Duration.ofSeconds(30);

    /** {@code sh -c 'sleep m & sleep m' m}: a shell with two children, all three carrying the marker. */
    static Command sleepTree(String marker) {
        return Command.of("/bin/sh", "-c", "sleep " + marker + " & sleep " + marker, marker);
    }

    @Nested
    class Communicate {

        @Test
        void writesStdinAndCollectsStdoutAndTheExitCode() {
            StepVerifier.create(Processes.run(Command.of("cat"), "hello\nworld\n"))
                    .assertNext(r -> {
                        assertThat(r.exitCode()).isZero();
                        assertThat(r.stdout()).isEqualTo("hello\nworld\n");
                        assertThat(r.lines()).containsExactly("hello", "world");
                        assertThat(r.truncated()).isFalse();
                    })
                    .expectComplete().verify(T);
        }

        @Test
        void passesArgumentsAsTheyAreWithoutAShell() {
            StepVerifier.create(Processes.run(Command.of("echo", "$HOME; echo injected", "*")))
                    .assertNext(r -> assertThat(r.stdout()).isEqualTo("$HOME; echo injected *\n"))
                    .expectComplete().verify(T);
        }

        @Test
        void runsAShellOnlyWhenAskedFor() {
            StepVerifier.create(Processes.run(Command.shell("echo abc | tr a-c x-z")))
                    .assertNext(r -> assertThat(r.stdout()).isEqualTo("xyz\n"))
                    .expectComplete().verify(T);
        }

        @Test
        void readsLargeOutputWhileWritingLargeInput() {
            // 4 MiB through cat: stdin and stdout must be served at once, or both pipes fill and deadlock
            String input = "0123456789abcdef".repeat(256 * 1024);
            StepVerifier.create(Processes.run(Command.of("cat").maxOutputBytes(8 * 1024 * 1024), input))
                    .assertNext(r -> assertThat(r.stdout()).hasSize(input.length()).isEqualTo(input))
                    .expectComplete().verify(T);
        }

        @Test
        void aProcessThatDoesNotReadItsStdinIsNotAnError() {
            StepVerifier.create(Processes.run(Command.of("true"), "x".repeat(1024 * 1024)))
                    .assertNext(r -> assertThat(r.exitCode()).isZero())
                    .expectComplete().verify(T);
        }

        @Test
        void aNonZeroExitNamesTheCommandTheCodeAndTheLastStderrLines() {
            Command failing = Command.shell("echo one >&2; echo two >&2; echo partial; exit 3").logStderr(false);
            StepVerifier.create(Processes.run(failing))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(ProcessException.class)
                                .hasMessageContaining("'/bin/sh -c 'echo one")
                                .hasMessageContaining("exited with code 3")
                                .hasMessageContaining("one | two");
                        ProcessException p = (ProcessException) e;
                        assertThat(p.exitCode()).hasValue(3);
                        assertThat(p.stderr()).isEqualTo("one\ntwo\n");
                        assertThat(p.argv()).containsExactly("/bin/sh", "-c", "echo one >&2; echo two >&2; echo partial; exit 3");
                    })
                    .verify(T);
        }

        @Test
        void anUncheckedExitCodeIsInTheResult() {
            StepVerifier.create(Processes.run(Command.shell("exit 4").checkExitCode(false)))
                    .assertNext(r -> assertThat(r.exitCode()).isEqualTo(4))
                    .expectComplete().verify(T);
        }

        @Test
        void aMissingProgramNamesItAndWhatToCheck() {
            StepVerifier.create(Processes.run(Command.of("/nonexistent/tool", "--flag")))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(Exception.class)
                            .hasMessageContaining("cannot start command '/nonexistent/tool --flag'")
                            .hasMessageContaining("exists and is executable"))
                    .verify(T);
        }

        @Test
        void stderrKeepsOnlyItsTail() {
            Command chatty = Command.shell("i=0; while [ $i -lt 2000 ]; do echo line$i >&2; i=$((i+1)); done")
                    .maxErrorBytes(100).logStderr(false);
            StepVerifier.create(Processes.run(chatty))
                    .assertNext(r -> assertThat(r.stderr()).hasSizeLessThanOrEqualTo(100).endsWith("line1999\n"))
                    .expectComplete().verify(T);
        }
    }

    @Nested
    class Bounds {

        @Test
        void outputOverTheBoundFailsAndKillsTheProcess() {
            String marker = ProcessTable.marker();
            StepVerifier.create(Processes.run(Command.of("yes", marker).maxOutputBytes(10_000)))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ProcessOutputLimitException.class)
                            .hasMessageContaining("'yes " + marker + "'")
                            .hasMessageContaining("longer than 10000 bytes")
                            .hasMessageContaining("onOutputOverflow(TRUNCATE)"))
                    .verify(T);
            StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
        }

        @Test
        void outputOverTheBoundIsTruncatedWhenAskedFor() {
            Command many = Command.shell("yes | head -n 100000").maxOutputBytes(100).onOutputOverflow(Command.Overflow.TRUNCATE);
            StepVerifier.create(Processes.run(many))
                    .assertNext(r -> {
                        assertThat(r.stdout()).isEqualTo("y\n".repeat(50));
                        assertThat(r.truncated()).isTrue();
                        assertThat(r.exitCode()).isZero();
                    })
                    .expectComplete().verify(T);
        }
    }

    @Nested
    class Killing {

        @Test
        void aTimeoutKillsTheWholeProcessTree() {
            String marker = ProcessTable.marker();
            Command slow = sleepTree(marker).timeout(Duration.ofSeconds(1)).killGrace(Duration.ofSeconds(5));
            StepVerifier.create(Processes.run(slow))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(ProcessTimeoutException.class)
                                .hasMessageContaining("ran longer than its timeout of PT1S")
                                .hasMessageContaining("/bin/sh -c 'sleep " + marker);
                        assertThat(((ProcessTimeoutException) e).timeout()).isEqualTo(Duration.ofSeconds(1));
                        assertThat(e.getCause()).isInstanceOf(java.util.concurrent.TimeoutException.class);
                    })
                    .verify(T);
            // the shell and both sleeps
            StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
        }

        @Test
        void aProcessIgnoringSigtermIsKilledAfterTheGrace() {
            String marker = ProcessTable.marker();
            // a shell that ignores SIGTERM (and so do its children) and starts a new child whenever one dies:
            // the root must be killed before its children, and the tree listed again before SIGKILL
            Command stubborn = Command.of("/bin/sh", "-c", "trap '' TERM; while :; do sleep " + marker + "; done", marker)
                    .timeout(Duration.ofSeconds(1)).killGrace(Duration.ofMillis(300));
            StepVerifier.create(Processes.run(stubborn))
                    .expectError(ProcessTimeoutException.class)
                    .verify(T);
            StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
        }

        @Test
        void cancellingKillsTheWholeProcessTree() {
            String marker = ProcessTable.marker();
            Disposable run = Processes.run(sleepTree(marker)).subscribe();
            StepVerifier.create(ProcessTable.present(marker, 3)).expectNext(true).expectComplete().verify(T);
            assertThat(ProcessTable.withMarker(marker)).hasSize(3);
            run.dispose();
            StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
        }
    }

    @Test
    void aSchedulerRefusingTheStderrDrainAfterTheLaunchKillsTheProcess() {
        // the start runs (and launches the process), then the scheduler is disposed: the stderr
        // drain is rejected before the process is handed to anyone, who could otherwise kill it
        String marker = ProcessTable.marker();
        Scheduler real = Schedulers.newBoundedElastic(2, 10, "disposed-after-start");
        try {
            Scheduler disposedAfterStart = new DisposedAfterFirstTask(real);
            StepVerifier.create(Processes.run(Command.of("sleep", marker).scheduler(disposedAfterStart)))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ProcessException.class)
                            .hasMessageContaining("sleep " + marker)
                            .hasMessageContaining("stderr drain")
                            .hasRootCauseInstanceOf(RejectedExecutionException.class))
                    .verify(T);
            StepVerifier.create(ProcessTable.gone(marker)).expectNext(true).expectComplete().verify(T);
        } finally {
            real.dispose();
        }
    }

    /** Runs its first task on {@code delegate}, disposing itself as that task starts: later tasks are rejected. */
    private static final class DisposedAfterFirstTask implements Scheduler {
        private final Scheduler delegate;
        private final AtomicBoolean disposed = new AtomicBoolean();

        DisposedAfterFirstTask(Scheduler delegate) {
            this.delegate = delegate;
        }

        @Override
        public Disposable schedule(Runnable task) {
            if (disposed.get()) {
                throw Exceptions.failWithRejected();
            }
            return delegate.schedule(() -> {
                disposed.set(true);
                task.run();
            });
        }

        @Override
        public Worker createWorker() {
            if (disposed.get()) {
                throw Exceptions.failWithRejected();
            }
            return delegate.createWorker();
        }

        @Override
        public boolean isDisposed() {
            return disposed.get();
        }

        @Override
        public void dispose() {
            disposed.set(true);
        }
    }

    @Test
    void commandLinesInMessagesAreAbbreviated() {
        Command c = Command.of(List.of("prog", "a".repeat(100), "two words"));
        assertThat(c.describe()).isEqualTo("prog " + "a".repeat(37) + "... 'two words'");
        assertThat(Command.of("p", "x".repeat(30), "y".repeat(30), "z".repeat(30), "w".repeat(30), "v".repeat(30),
                "u".repeat(30)).describe()).hasSize(160).endsWith("...");
    }
}
