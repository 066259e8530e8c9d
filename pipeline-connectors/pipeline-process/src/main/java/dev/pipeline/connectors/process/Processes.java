package dev.pipeline.connectors.process;

import java.nio.charset.Charset;

import dev.pipeline.connectors.internal.Require;
import dev.pipeline.connectors.process.internal.ProcessScheduler;
import dev.pipeline.core.aio.AsyncSemaphore;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Subprocesses as cold publishers, asyncio's {@code create_subprocess_exec}: {@link #run} is
 * {@code proc.communicate(input)} (write stdin, read stdout and stderr, wait for the exit), and
 * {@link #pipe} is a process whose stdin and stdout stay open as streams. The stages of
 * {@link ProcessStages} are built on them.
 *
 * <p>Nothing starts until subscribe, and each subscription starts its own process. When the run
 * ends (complete, error or cancel) the process and every descendant it has are killed if still
 * alive (SIGTERM, then SIGKILL after {@link Command#killGrace}); on complete and error the
 * publisher terminates only after they have exited, so no process survives its run. Blocking
 * pipe I/O runs on {@link Command#scheduler}, never on a non-blocking thread.
 *
 * <pre>{@code
 * Mono<ProcessResult> date = Processes.run(Command.of("date", "+%Y"));
 * Flux<String> upper = Processes.pipe(Command.of("tr", "a-z", "A-Z"), Flux.just("hello", "world"));
 * }</pre>
 */
public final class Processes {

    private Processes() {
    }

    /**
     * Runs {@code command} with an empty stdin, as {@link #run(Command, byte[])} does.
     *
     * @param command the command
     * @return the result, cold
     */
    public static Mono<ProcessResult> run(Command command) {
        return run(command, new byte[0]);
    }

    /**
     * Runs {@code command} with {@code input} (encoded in the command's
     * {@linkplain Command#charset charset}) as its stdin, as {@link #run(Command, byte[])} does.
     *
     * @param command the command
     * @param input the text written to stdin
     * @return the result, cold
     */
    public static Mono<ProcessResult> run(Command command, String input) {
        Require.nonNull(input, "input");
        Charset charset = Require.nonNull(command, "command").charset();
        return Mono.defer(() -> run(command, input.getBytes(charset)));
    }

    /**
     * Starts {@code command}, writes {@code input} to its stdin and closes it, reads its stdout
     * (bounded by {@link Command#maxOutputBytes}) and stderr (its tail kept), and waits for it
     * to exit (asyncio's {@code communicate}).
     *
     * <p><b>Emits when</b> the process has exited and its output is read. <b>Errors when</b> it
     * cannot start, exits non-zero ({@link ProcessException} naming the command, the code and
     * the last stderr lines), writes more than its bound ({@link ProcessOutputLimitException}),
     * or outlives {@link Command#timeout} ({@link ProcessTimeoutException}); the process tree is
     * killed first. <b>On cancel</b> the process tree is killed. <b>Thread</b>: the result is
     * emitted on the JDK's process-reaper thread or the command's scheduler.
     *
     * @param command the command
     * @param input the bytes written to stdin (the process may stop reading them: that is not an error)
     * @return the result, cold
     */
    public static Mono<ProcessResult> run(Command command, byte[] input) {
        Require.nonNull(command, "command");
        byte[] bytes = Require.nonNull(input, "input").clone();
        Mono<ProcessResult> run = Mono.usingWhen(RunningProcess.start(command), running -> running.communicate(bytes),
                RunningProcess::kill, (running, error) -> running.kill(), RunningProcess::kill);
        return onSharedScheduler(command) ? ProcessScheduler.gate().withPermit(() -> run) : run;
    }

    /** Whether the command's pipe I/O runs on the shared scheduler, whose running processes are capped. */
    private static boolean onSharedScheduler(Command command) {
        return command.scheduler() == ProcessScheduler.shared();
    }

    /**
     * Starts {@code command} as a long-running filter: {@code input}'s items are written to its
     * stdin as lines (each followed by {@code \n}, flushed), stdin is closed when
     * {@code input} completes, and its stdout lines are emitted.
     *
     * <p><b>Backpressure</b>: stdout is read only on demand, one line per requested item, on the
     * command's scheduler; while downstream is slow the stdout pipe fills and the process blocks
     * writing, which in turn stops it reading stdin, which blocks the writer: nothing is buffered
     * beyond the OS pipes, 32 input items and one line. Standard error is drained all along,
     * logged and its tail kept.
     *
     * <p><b>Emits when</b> the process writes a line and downstream has demand. <b>Completes
     * when</b> stdout ends and the process exits with 0 (the rest of {@code input}, if any, is
     * cancelled). <b>Errors when</b> the process exits non-zero ({@link ProcessException} with
     * the code and the last stderr lines), writes a line over {@link Command#maxLineBytes}, or
     * {@code input} fails. <b>On cancel</b> the process tree is killed. <b>Thread</b>: the
     * command's scheduler.
     *
     * @param command the command
     * @param input the lines for stdin (may be empty)
     * @return the stdout lines, cold
     */
    public static Flux<String> pipe(Command command, Publisher<String> input) {
        Require.nonNull(command, "command");
        Require.nonNull(input, "input");
        Flux<String> run = Flux.usingWhen(RunningProcess.start(command), running -> running.lines(input),
                RunningProcess::kill, (running, error) -> running.kill(), RunningProcess::kill);
        Flux<String> timed = command.timeout().map(limit -> run.timeout(limit, Flux.defer(() -> Flux.<String>error(
                new ProcessTimeoutException(command, limit, ""))), command.timer())).orElse(run);
        if (!onSharedScheduler(command)) {
            return timed;
        }
        AsyncSemaphore gate = ProcessScheduler.gate();
        return Flux.defer(() -> gate.acquire().thenMany(timed.doFinally(signal -> gate.release())));
    }
}
