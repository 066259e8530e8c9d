package dev.pipeline.connectors.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.pipeline.connectors.process.internal.Capture;
import dev.pipeline.connectors.process.internal.LineReader;
import dev.pipeline.connectors.process.internal.Tail;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * One started process and its three pipes. Every blocking call (start, pipe reads and writes,
 * the kill) runs on the command's I/O scheduler; a Reactor thread only composes.
 *
 * <p>Lifetime: {@link #start} makes one; {@link #communicate} or {@link #lines} use it inside a
 * {@code usingWhen} whose cleanup, on complete, error and cancel alike, is {@link #kill}: it
 * snapshots the process's descendants <em>before</em> signalling anyone (a child whose parent
 * died is re-parented and could no longer be found), sends SIGTERM to all, waits the command's
 * grace period for them to exit, then SIGKILLs the survivors. A stderr drain runs from start to
 * the end of the stream, so the process never blocks on a full stderr pipe; it keeps a bounded
 * tail for error messages.
 */
final class RunningProcess {

    private static final Logger LOG = LoggerFactory.getLogger("dev.pipeline.connectors.process");
    /** How long to wait for stderr's end after the process exited (a grandchild may hold it open). */
    private static final Duration STDERR_WAIT = Duration.ofSeconds(1);
    private static final int LOGGED_LINE_BYTES = 8192;

    private final Command command;
    private final Process process;
    private final Scheduler io;
    private final Tail stderr;
    private final CompletableFuture<Void> stderrDrained = new CompletableFuture<>();

    private RunningProcess(Command command, Process process) {
        this.command = command;
        this.process = process;
        this.io = command.scheduler();
        this.stderr = new Tail(command.maxErrorBytes());
    }

    /**
     * Starts the process on the I/O scheduler. Ownership: until the process reaches the
     * subscriber, a cancel kills it; the start checks for a cancel after publishing the process,
     * and the cancel checks for a process after publishing itself, so one of them always sees
     * the other and a process started for a subscriber that left is never orphaned. A second
     * kill (the subscriber's own cleanup) is harmless.
     */
    static Mono<RunningProcess> start(Command command) {
        return Mono.defer(() -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            AtomicReference<RunningProcess> started = new AtomicReference<>();
            return Mono.fromCallable(() -> {
                Process process = launch(command);
                RunningProcess running;
                try {
                    running = new RunningProcess(command, process);
                    running.drainStderr();
                } catch (Error e) {
                    destroyTreeNow(process);
                    throw e;
                } catch (RuntimeException e) {
                    // not yet published: neither a cancel nor the subscriber's cleanup would kill it
                    destroyTreeNow(process);
                    throw new ProcessException("cannot run command '" + command.describe()
                            + "': its I/O scheduler refused the stderr drain (" + e
                            + "); the process was killed", command.argv(), -1, "", e);
                }
                started.set(running);
                if (cancelled.get()) {
                    running.killDetached();
                }
                return running;
            }).subscribeOn(command.scheduler()).doOnCancel(() -> {
                cancelled.set(true);
                RunningProcess running = started.get();
                if (running != null) {
                    running.killDetached();
                }
            });
        });
    }

    private static Process launch(Command command) {
        ProcessBuilder builder = new ProcessBuilder(command.argv());
        command.directory().ifPresent(dir -> builder.directory(dir.toFile()));
        builder.environment().putAll(command.environment());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new ProcessException("cannot start command '" + command.describe() + "': " + e.getMessage()
                    + "; check that the program exists and is executable"
                    + command.directory().map(d -> " (directory " + d + ")").orElse(""),
                    command.argv(), -1, "", e);
        }
    }

    /**
     * Force-kills a just-started process and its descendants at once, on the caller's thread:
     * used when the start failed after the launch, where no scheduler may be usable any more.
     */
    private static void destroyTreeNow(Process process) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** Kills the tree with no one waiting for it (a cancelled start), logging a failure. */
    private void killDetached() {
        kill().subscribe(null, e -> LOG.warn("could not kill the process of '{}'", command.describe(), e));
    }

    private void drainStderr() {
        io.schedule(() -> {
            byte[] buffer = new byte[8192];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try (InputStream in = process.getErrorStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    stderr.append(buffer, 0, n);
                    if (command.logStderr()) {
                        logLines(buffer, n, line);
                    }
                }
                if (line.size() > 0) {
                    log(line);
                }
            } catch (IOException e) {
                LOG.debug("stderr of '{}' ended: {}", command.describe(), e.toString());
            } finally {
                stderrDrained.complete(null);
            }
        });
    }

    private void logLines(byte[] buffer, int n, ByteArrayOutputStream line) {
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n' || line.size() + (i - start) >= LOGGED_LINE_BYTES) {
                line.write(buffer, start, i - start);
                log(line);
                start = buffer[i] == '\n' ? i + 1 : i;
            }
        }
        line.write(buffer, start, n - start);
    }

    private void log(ByteArrayOutputStream line) {
        LOG.warn("[{}] stderr: {}", command.describe(), line.toString(command.charset()).stripTrailing());
        line.reset();
    }

    /** The stderr tail, once stderr has ended (or a short while after the process exited). */
    private Mono<String> stderrTail() {
        return Mono.fromFuture(stderrDrained, true)
                .timeout(STDERR_WAIT, command.timer())
                .onErrorResume(java.util.concurrent.TimeoutException.class, e -> Mono.empty())
                .then(Mono.fromSupplier(() -> stderr.text(command.charset())));
    }

    private Mono<Integer> exitCode() {
        return Mono.fromFuture(process.onExit(), true).map(Process::exitValue);
    }

    /** Fails with the exit code and stderr when checked and non-zero; else gives the code. */
    private Mono<Integer> checkedExit() {
        return exitCode().flatMap(code -> code == 0 || !command.checkExitCode() ? Mono.just(code)
                : stderrTail().flatMap(tail -> Mono.error(ProcessException.exited(command, code, tail))));
    }

    /** Writes {@code input} to stdin, closes it, reads stdout bounded, and waits for the exit. */
    Mono<ProcessResult> communicate(byte[] input) {
        Mono<Boolean> written = Mono.fromCallable(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                if (input.length > 0) {
                    stdin.write(input);
                }
            } catch (IOException e) {
                stdinFailed(e);
            }
            return true;
        }).subscribeOn(io);
        boolean truncate = command.onOutputOverflow() == Command.Overflow.TRUNCATE;
        Mono<Capture> read = Mono.fromCallable(() -> {
            try (InputStream stdout = process.getInputStream()) {
                Capture capture = Capture.read(stdout, command.maxOutputBytes(), !truncate);
                if (capture.overflowed() && !truncate) {
                    throw new ProcessOutputLimitException(command, "output", command.maxOutputBytes(), "maxOutputBytes");
                }
                return capture;
            } catch (IOException e) {
                throw new ProcessException("cannot read the output of '" + command.describe() + "': " + e.getMessage(),
                        command.argv(), -1, "", e);
            }
        }).subscribeOn(io);
        Mono<ProcessResult> result = Mono.zip(written, read)
                .flatMap(t -> checkedExit().flatMap(code -> stderrTail().map(tail -> new ProcessResult(command.argv(),
                        code, new String(t.getT2().bytes(), command.charset()), tail, t.getT2().overflowed()))));
        return withTimeout(result);
    }

    private <T> Mono<T> withTimeout(Mono<T> run) {
        return command.timeout().map(limit -> run.timeout(limit, Mono.defer(() -> Mono.<T>error(
                new ProcessTimeoutException(command, limit, stderr.text(command.charset())))), command.timer()))
                .orElse(run);
    }

    /**
     * Writes {@code input}'s items as lines to stdin (closing it when input completes) while
     * emitting stdout's lines, read only on demand, then completes when the process exits with
     * 0 (or fails with its code). Input stops when stdout ends: a process that exits early (a
     * {@code head -1}) ends the flux, and the rest of the input is cancelled.
     */
    Flux<String> lines(Publisher<String> input) {
        Sinks.Empty<Void> stdoutEnded = Sinks.empty();
        Flux<String> out = Flux.generate(
                () -> new LineReader(process.getInputStream(), command.maxLineBytes(), command.charset()),
                (LineReader reader, reactor.core.publisher.SynchronousSink<String> sink) -> {
                    try {
                        String line = reader.next();
                        if (line == null) {
                            sink.complete();
                        } else {
                            sink.next(line);
                        }
                    } catch (LineReader.LineTooLongException e) {
                        sink.error(new ProcessOutputLimitException(command, "a line", command.maxLineBytes(), "maxLineBytes"));
                    } catch (IOException e) {
                        sink.error(new ProcessException("cannot read the output of '" + command.describe() + "': "
                                + e.getMessage(), command.argv(), -1, "", e));
                    }
                    return reader;
                })
                .subscribeOn(io)
                .concatWith(checkedExit().then(Mono.empty()))
                .doFinally(signal -> stdoutEnded.tryEmitEmpty());
        Mono<Void> in = Flux.from(input)
                .publishOn(io, 32)
                .<Void>handle((item, sink) -> {
                    try {
                        OutputStream stdin = process.getOutputStream();
                        stdin.write((item + "\n").getBytes(command.charset()));
                        stdin.flush();
                    } catch (IOException e) {
                        try {
                            stdinFailed(e);
                        } catch (ProcessException fatal) {
                            sink.error(fatal);
                            return;
                        }
                        sink.complete(); // the process stopped reading: stop writing
                    }
                })
                .then(Mono.fromRunnable(this::closeStdin)) // on the writer's thread, which delivers the completion
                .then()
                .takeUntilOther(stdoutEnded.asMono());
        return out.mergeWith(in.then(Mono.empty()));
    }

    private void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing stdin of '{}': {}", command.describe(), e.toString());
        }
    }

    /** A write to stdin failed: fine when the process stopped reading (as asyncio's communicate), else an error. */
    private void stdinFailed(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (!process.isAlive() || message.contains("Broken pipe") || message.contains("Stream closed")) {
            LOG.debug("'{}' stopped reading its stdin: {}", command.describe(), message);
            return;
        }
        throw new ProcessException("cannot write to the stdin of '" + command.describe() + "': " + message,
                command.argv(), -1, "", e);
    }

    /**
     * Kills the process and every descendant: SIGTERM, the grace period, SIGKILL. The tree is
     * listed before any signal (a child whose parent died is re-parented and could no longer be
     * found), the root is signalled first (so that it cannot start another child after one was
     * killed), and the tree is listed again before SIGKILL (a root that ignored SIGTERM may have
     * started children meanwhile). Completes when all have exited (or, should one not even die
     * of SIGKILL, after a second grace period, logging it). A no-op once all have exited.
     * Runs on the caller's thread: the calls are non-blocking system calls (kill, a read of
     * the process table), and the I/O scheduler must not be needed here, since a cancelled
     * run's worker is released while its thread may still be blocked in a pipe read or write
     * that only this kill ends.
     */
    Mono<Void> kill() {
        return Mono.defer(() -> {
            List<ProcessHandle> alive = alive(tree(), List.of());
            if (alive.isEmpty()) {
                return Mono.<Void>empty();
            }
            alive.forEach(ProcessHandle::destroy);
            Duration grace = command.killGrace();
            return exited(alive).timeout(grace, Mono.defer(() -> {
                List<ProcessHandle> survivors = alive(tree(), alive);
                survivors.forEach(ProcessHandle::destroyForcibly);
                return exited(survivors).timeout(grace.plusSeconds(1), Mono.fromRunnable(() -> {
                    List<Long> left = survivors.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
                    if (!left.isEmpty()) {
                        LOG.warn("processes of '{}' still alive (or not yet reaped) after SIGKILL: {}", command.describe(), left);
                    }
                }), command.timer());
            }), command.timer());
        });
    }

    /** The process, then its descendants as the OS lists them now (children before grandchildren). */
    private List<ProcessHandle> tree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        return tree;
    }

    /** The live ones of {@code now} and {@code before}, in that order, without repeats. */
    private static List<ProcessHandle> alive(List<ProcessHandle> now, List<ProcessHandle> before) {
        java.util.LinkedHashSet<ProcessHandle> all = new java.util.LinkedHashSet<>(now);
        all.addAll(before);
        return all.stream().filter(ProcessHandle::isAlive).toList();
    }

    private static Mono<Void> exited(List<ProcessHandle> handles) {
        return Mono.when(handles.stream().map(h -> Mono.fromFuture(h.onExit(), true)).toList());
    }
}
