package dev.pipeline.connectors.r2dbc.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The connections one sink run keeps between its batches, each with one worker thread of the
 * blocking scheduler: taking a connection from the pool and moving to another thread for every
 * batch costs more than the batch itself on an embedded database. A run holds at most as many
 * lanes as it has batches in flight, and gives them all back when it ends (complete, error or
 * cancel). A connection that saw an error is not kept.
 */
final class Lanes {

    /** A kept connection and the worker its batches run on. */
    record Lane(Connection connection, Scheduler worker) {
    }

    private final ConnectionFactory cf;
    private final Scheduler scheduler;
    private final Deque<Lane> idle = new ArrayDeque<>();
    private boolean closed;

    Lanes(ConnectionFactory cf, Scheduler scheduler) {
        this.cf = cf;
        this.scheduler = scheduler;
    }

    /** An idle lane, or a new one: a connection from the factory and a worker of the scheduler. */
    Mono<Lane> acquire() {
        return Mono.defer(() -> {
            Lane lane = poll();
            if (lane != null) {
                return Mono.just(lane);
            }
            return Mono.from(cf.create()).subscribeOn(scheduler)
                    .map(c -> new Lane(c, Schedulers.single(scheduler)));
        });
    }

    /** Keeps a healthy lane for the next batch, or closes it when the run has ended. */
    Mono<Void> release(Lane lane) {
        return Mono.defer(() -> offer(lane) ? Mono.empty() : discard(lane, Mono.from(lane.connection().close())));
    }

    /** Ends a lane after {@code cleanup} (a rollback and close of its connection) has run on its worker. */
    static Mono<Void> discard(Lane lane, Mono<Void> cleanup) {
        return cleanup.subscribeOn(lane.worker()).doFinally(s -> lane.worker().dispose());
    }

    /** Gives every kept connection back to the pool; later releases close theirs at once. */
    Mono<Void> closeAll() {
        return Mono.defer(() -> Flux.fromIterable(drain())
                .concatMap(lane -> discard(lane, Mono.from(lane.connection().close())))
                .then());
    }

    private synchronized Lane poll() {
        return closed ? null : idle.pollFirst();
    }

    private synchronized boolean offer(Lane lane) {
        if (closed) {
            return false;
        }
        idle.addFirst(lane);
        return true;
    }

    private synchronized List<Lane> drain() {
        closed = true;
        List<Lane> all = new ArrayList<>(idle);
        idle.clear();
        return all;
    }
}
