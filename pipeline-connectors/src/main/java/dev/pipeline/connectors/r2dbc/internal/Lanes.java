package dev.pipeline.connectors.r2dbc.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The connections one sink run keeps between its batches: taking a connection from the pool and
 * giving it back for every batch costs more than the batch itself on an embedded database. A
 * run holds at most as many connections as it has batches in flight, and gives them all back to
 * the pool when it ends (complete, error or cancel). A connection that saw an error is not kept.
 */
final class Lanes {

    private final ConnectionFactory cf;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    Lanes(ConnectionFactory cf) {
        this.cf = cf;
    }

    /** An idle kept connection, or a new one from the factory. */
    Mono<Connection> acquire() {
        return Mono.defer(() -> {
            Connection c = poll();
            return c != null ? Mono.just(c) : Mono.from(cf.create());
        });
    }

    /** Keeps a healthy connection for the next batch, or closes it when the run has ended. */
    Mono<Void> release(Connection c) {
        return Mono.defer(() -> offer(c) ? Mono.empty() : Mono.from(c.close()));
    }

    /** Gives every kept connection back to the pool; later releases close theirs at once. */
    Mono<Void> closeAll() {
        return Mono.defer(() -> Flux.fromIterable(drain()).concatMap(Connection::close).then());
    }

    private synchronized Connection poll() {
        return closed ? null : idle.pollFirst();
    }

    private synchronized boolean offer(Connection c) {
        if (closed) {
            return false;
        }
        idle.addFirst(c);
        return true;
    }

    private synchronized List<Connection> drain() {
        closed = true;
        List<Connection> all = new ArrayList<>(idle);
        idle.clear();
        return all;
    }
}
