package dev.pipeline.connectors.tcp;

import dev.pipeline.test.SourceContract;
import org.junit.jupiter.api.AfterAll;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link TcpSources#connect} against a server that writes 100 lines and closes. */
class TcpConnectSourceContractTest implements SourceContract<String> {

    private static final TestServer SERVER = new TestServer((in, out) -> out.sendString(
            Flux.range(1, 100).map(i -> "line " + i + "\n")).then());

    @AfterAll
    static void stop() {
        SERVER.close();
    }

    @Override
    public Flux<String> subject() {
        return TcpSources.connect("lines", "127.0.0.1", SERVER.port(), Framing.lines(64), Flux.empty()).flux();
    }

    @Override
    public Flux<String> failingSubject() {
        return TcpSources.connect("lines", "127.0.0.1", SERVER.port(), Framing.lines(4), Flux.empty()).flux();
    }

    @Override
    public Mono<Boolean> released() {
        return SERVER.released();
    }
}
