package dev.pipeline.connectors.tcp;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.tcp.TcpServer;

/** A plain Reactor Netty server for the tests, counting its open connections. */
final class TestServer implements AutoCloseable {

    final AtomicInteger open = new AtomicInteger();
    final DisposableServer server;

    TestServer(BiFunction<? super NettyInbound, ? super NettyOutbound, ? extends Publisher<Void>> handler) {
        server = TcpServer.create().host("127.0.0.1").port(0)
                .doOnConnection(conn -> {
                    open.incrementAndGet();
                    conn.onDispose(open::decrementAndGet);
                })
                .handle(handler)
                .bindNow(Duration.ofSeconds(30));
    }

    int port() {
        return server.port();
    }

    /** Completes with true once no connection is open, polling for at most 30 s. */
    Mono<Boolean> released() {
        return Flux.interval(Duration.ofMillis(10)).map(i -> open.get() == 0).filter(b -> b).next()
                .timeout(Duration.ofSeconds(30), Mono.just(false));
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(30));
    }
}
