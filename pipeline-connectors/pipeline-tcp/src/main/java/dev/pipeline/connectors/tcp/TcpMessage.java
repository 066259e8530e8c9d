package dev.pipeline.connectors.tcp;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/**
 * One framed item a {@linkplain TcpSources#server server source} read, with the peer that sent
 * it and a reply channel back to that peer (asyncio's {@code StreamWriter} of the connection).
 */
public final class TcpMessage {

    private final String text;
    private final SocketAddress peer;
    private final Function<String, Mono<Void>> reply;

    TcpMessage(String text, SocketAddress peer, Function<String, Mono<Void>> reply) {
        this.text = text;
        this.peer = peer;
        this.reply = reply;
    }

    /**
     * The frame's content, decoded as UTF-8, without delimiter or prefix.
     *
     * @return the text
     */
    public String text() {
        return text;
    }

    /**
     * The connection's other end.
     *
     * @return the peer's address
     */
    public SocketAddress peer() {
        return peer;
    }

    /**
     * Writes {@code text}, framed, to the peer; cold: nothing is written until subscribe.
     * Completes when the bytes are flushed, errors if the connection is gone.
     *
     * @param text what to send
     * @return completion of the write
     */
    public Mono<Void> reply(String text) {
        Objects.requireNonNull(text, "text must not be null");
        return Mono.defer(() -> reply.apply(text));
    }

    @Override
    public String toString() {
        return "TcpMessage[" + peer + ": " + text + "]";
    }
}
