package dev.pipeline.connectors.process;

import dev.pipeline.test.SourceContract;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link ProcessSources#lines}: an awk printing 100 000 lines; released = no process left with the marker. */
class ProcessSourcesContractTest implements SourceContract<String> {

    private final String marker = ProcessTable.marker();

    @Override
    public Flux<String> subject() {
        // awk runs only its BEGIN block: the marker argument (a file name) is never read
        return ProcessSources.lines("numbers", Command.of("awk", "BEGIN { for (i = 1; i <= 100000; i++) print i }",
                marker)).flux();
    }

    @Override
    public Flux<String> failingSubject() {
        return ProcessSources.lines("failing", Command.of("/bin/sh", "-c", "echo broken >&2; exit 3", marker)).flux();
    }

    @Override
    public Mono<Boolean> released() {
        return ProcessTable.gone(marker);
    }
}
