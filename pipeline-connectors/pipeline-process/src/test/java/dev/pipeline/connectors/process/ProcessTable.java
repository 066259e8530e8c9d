package dev.pipeline.connectors.process;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The OS process table, filtered by a unique marker argument the tests pass to their commands. */
final class ProcessTable {

    private ProcessTable() {
    }

    /**
     * A fresh marker: a number of seconds no other process sleeps, so that {@code sleep <marker>}
     * carries it in its command line, and harmless as {@code $0} of {@code sh -c script marker}.
     */
    static String marker() {
        return String.valueOf(1_000_000 + (UUID.randomUUID().getMostSignificantBits() & 0xFFFFFFFL));
    }

    /** Live processes whose command line contains {@code marker}. */
    static List<ProcessHandle> withMarker(String marker) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false)
                        || h.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
                .toList();
    }

    /** Completes with true once at least {@code count} processes carry {@code marker}, polling for at most 30 s. */
    static Mono<Boolean> present(String marker, int count) {
        return Flux.interval(Duration.ZERO, Duration.ofMillis(20))
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic(), 1)
                .map(i -> withMarker(marker).size() >= count)
                .filter(b -> b).next()
                .timeout(Duration.ofSeconds(30), Mono.just(false));
    }

    /** Completes with true once no process carries {@code marker}, polling for at most 30 s. */
    static Mono<Boolean> gone(String marker) {
        return Flux.interval(Duration.ZERO, Duration.ofMillis(20))
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic(), 1)
                .map(i -> withMarker(marker).isEmpty())
                .filter(b -> b).next()
                .timeout(Duration.ofSeconds(30), Mono.just(false));
    }
}
