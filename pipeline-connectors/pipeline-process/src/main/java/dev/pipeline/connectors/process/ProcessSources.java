package dev.pipeline.connectors.process;

import dev.pipeline.connectors.internal.Require;
import dev.pipeline.core.Source;
import reactor.core.publisher.Flux;

/**
 * Sources that read a subprocess's output.
 */
public final class ProcessSources {

    private ProcessSources() {
    }

    /**
     * A source of the stdout lines of {@code command} (run with an empty stdin), read on demand.
     *
     * <pre>{@code
     * Source<String> files = ProcessSources.lines("files", Command.of("find", "/var/log", "-name", "*.log"));
     * }</pre>
     *
     * <p><b>Emits when</b> the process writes a line and downstream has demand. <b>Completes
     * when</b> the process closes stdout and exits with 0. <b>Errors when</b> it exits non-zero
     * or fails as {@link Processes#pipe} describes. <b>On cancel</b> the process tree is killed.
     * <b>Thread</b>: the command's scheduler.
     *
     * @param name the source's name
     * @param command the command
     * @return the source, cold: each run starts its own process
     */
    public static Source<String> lines(String name, Command command) {
        Require.nonNull(command, "command");
        return Source.create(name, ctx -> Processes.pipe(command, Flux.empty()));
    }
}
