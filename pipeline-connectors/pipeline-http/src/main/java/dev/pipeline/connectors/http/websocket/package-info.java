/**
 * WebSocket client connectors on Reactor Netty: a {@linkplain
 * dev.pipeline.connectors.http.websocket.WebSocketSources source} of the messages a server
 * sends (with backpressure and reconnection by option), a {@linkplain
 * dev.pipeline.connectors.http.websocket.WebSocketSinks sink} that sends items as messages, and
 * a {@linkplain dev.pipeline.connectors.http.websocket.WebSocketStages request/response stage}
 * over one connection. This is the {@code websockets} library's story for asyncio:
 * {@code async for message in websocket}, {@code await websocket.send(...)}, and
 * {@code await websocket.recv()} after a send.
 *
 * <p>Every factory is cold: nothing connects before a run subscribes, and the connection is
 * closed on complete, error and cancel. A server's close with a code other than 1000 (or 1005, a
 * close frame without a code), or a connection that drops without a close frame (1006), is a
 * {@link dev.pipeline.connectors.http.websocket.WebSocketClosedException} naming the URL, the code
 * and the reason. {@link dev.pipeline.connectors.http.websocket.WebSocketOptions} are immutable:
 * each option method returns a copy, and the method of the same name without arguments reads it
 * back.
 */
package dev.pipeline.connectors.http.websocket;
