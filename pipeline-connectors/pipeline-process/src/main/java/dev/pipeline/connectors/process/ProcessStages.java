package dev.pipeline.connectors.process;

import java.util.function.Function;

import dev.pipeline.connectors.internal.Require;
import dev.pipeline.core.Stage;

/**
 * Stages that run subprocesses: a command per item ({@link #communicate}, {@link #exec}:
 * asyncio's {@code create_subprocess_exec} plus {@code communicate}) and one long-running
 * filter process that the items stream through ({@link #pipe}).
 *
 * <p>The per-item stages are {@link Stage#mapAsync} stages: set {@link Stage#concurrency} to run
 * several processes at once (each takes up to three threads of the command's scheduler while
 * it runs), and the stage's error policy, retry and report apply per item. On the default
 * shared scheduler at most 20 processes (its threads divided by three, less one) run at once
 * across all stages, so a higher concurrency waits rather than deadlocks; with a custom
 * {@link Command#scheduler} keep the concurrency at most its threads divided by three. See
 * {@link Processes} for what a run guarantees (no process survives it).
 */
public final class ProcessStages {

    private ProcessStages() {
    }

    /**
     * Runs {@code command} once per item, the item's text as its stdin; emits its result.
     *
     * <pre>{@code
     * Stage<String, ProcessResult> wc = ProcessStages.communicate("wc", Command.of("wc", "-w"))
     *         .concurrency(4)
     *         .onError(ErrorPolicy.skip());
     * }</pre>
     *
     * <p><b>Emits when</b> the item's process has exited and its output is read, in input order.
     * <b>Errors when</b> (per item, then the error policy) the process fails as
     * {@link Processes#run(Command, byte[])} describes. <b>On cancel</b> running processes are
     * killed. <b>Thread</b>: the process-reaper thread or the command's scheduler.
     *
     * @param name the stage's name
     * @param command the command run for every item
     * @return the stage
     */
    public static Stage<String, ProcessResult> communicate(String name, Command command) {
        Require.nonNull(command, "command");
        return Stage.mapAsync(name, (String item) -> Processes.run(command, item));
    }

    /**
     * Runs the command {@code commandFor} makes from each item (its arguments from the item,
     * passed as a list, never through a shell), with an empty stdin; emits its result.
     *
     * <pre>{@code
     * Stage<Path, ProcessResult> checksum = ProcessStages.exec("sha256",
     *         (Path file) -> Command.of("sha256sum", file.toString())).concurrency(4);
     * }</pre>
     *
     * <p><b>Emits when</b> the item's process has exited, in input order. <b>Errors when</b>
     * {@code commandFor} throws or the process fails ({@link Processes#run(Command, byte[])}),
     * per item. <b>On cancel</b> running processes are killed. <b>Thread</b>: as
     * {@link #communicate}.
     *
     * @param name the stage's name
     * @param commandFor the command for one item
     * @param <I> the item type
     * @return the stage
     */
    public static <I> Stage<I, ProcessResult> exec(String name, Function<? super I, Command> commandFor) {
        Require.nonNull(commandFor, "commandFor");
        return Stage.mapAsync(name, (I item) -> Processes.run(
                Require.nonNull(commandFor.apply(item), "the command for " + item)));
    }

    /**
     * One long-running process per run that the items stream through: each item is written to
     * its stdin as a line, each line it writes to stdout is emitted (a filter such as
     * {@code tr a-z A-Z}, {@code sort}, {@code grep --line-buffered}). There is no one-to-one
     * relation between input and output lines, so the stage is counted by what goes in and
     * out ({@link Stage#of}).
     *
     * <pre>{@code
     * Stage<String, String> upper = ProcessStages.pipe("upper", Command.of("tr", "a-z", "A-Z"));
     * }</pre>
     *
     * <p><b>Emits when</b> the process writes a line and downstream has demand (reading pauses
     * otherwise, and a full pipe pauses the process). <b>Completes when</b> upstream has
     * completed, the process has closed its stdout and exited with 0. <b>Errors when</b> the
     * process exits non-zero (naming the command, the code and the last stderr lines) or a line
     * exceeds {@link Command#maxLineBytes}: the run fails. <b>On cancel</b> the process tree is
     * killed. <b>Thread</b>: the command's scheduler. See {@link Processes#pipe}.
     *
     * @param name the stage's name
     * @param command the command
     * @return the stage
     */
    public static Stage<String, String> pipe(String name, Command command) {
        Require.nonNull(command, "command");
        return Stage.of(name, (reactor.core.publisher.Flux<String> in) -> Processes.pipe(command, in));
    }
}
