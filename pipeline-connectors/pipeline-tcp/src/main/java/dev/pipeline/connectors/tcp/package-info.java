/**
 * TCP streams for pipelines, on Reactor Netty's {@code TcpClient} and {@code TcpServer}: a client
 * {@link dev.pipeline.connectors.tcp.TcpSources#connect source}, a request/response
 * {@link dev.pipeline.connectors.tcp.TcpStages#request stage}, and a server
 * {@link dev.pipeline.connectors.tcp.TcpSources#server source}, each reading framed items
 * ({@link dev.pipeline.connectors.tcp.Framing}) with backpressure. asyncio's streams
 * ({@code open_connection}, {@code start_server}, {@code StreamReader}) are the model; see
 * docs/connectors/tcp.md for the mapping.
 */
package dev.pipeline.connectors.tcp;
