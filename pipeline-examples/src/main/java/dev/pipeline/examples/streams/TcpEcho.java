package dev.pipeline.examples.streams;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.pipeline.connectors.tcp.Framing;
import dev.pipeline.connectors.tcp.TcpMessage;
import dev.pipeline.connectors.tcp.TcpSources;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.RunningPipeline;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.aio.Tasks;
import dev.pipeline.examples.Story;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * asyncio's TCP echo server and client (the streams documentation): a server pipeline echoes
 * each line back to its sender; clients connect, send a message, print the answer and close.
 */
@Command(name = "tcp-echo", mixinStandardHelpOptions = true,
        description = "asyncio's streams echo server and client: a server pipeline echoes lines back to each client.")
public final class TcpEcho implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "0", description = "port to serve on, 0 for any free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--message", defaultValue = "Hello World!", description = "what each client sends (default ${DEFAULT-VALUE})")
    String message;

    @Option(names = "--clients", defaultValue = "1", description = "clients connecting at once (default ${DEFAULT-VALUE})")
    int clients;

    @Override
    public Integer call() throws Exception {
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be at least 1, was " + clients);
        }
        try (Story out = new Story(spec.commandLine().getOut(), 1.0)) {
            return echo(out);
        }
    }

    private int echo(Story out) throws Exception {
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        // tag::server[]
        // async def handle_echo(reader, writer): data = await reader.readline(); writer.write(data)
        Source<TcpMessage> requests = TcpSources.server("echo-server", "127.0.0.1", port, Framing.lines(8192), 64,
                address -> bound.complete(((InetSocketAddress) address).getPort()));
        RunningPipeline<Void> server = Pipeline.from(requests)
                .to(Sink.<TcpMessage>forEachAsync("echo", m -> {
                    out.say("server: Received %s from %s", quote(m.text()), m.peer());
                    out.say("server: Send: %s", quote(m.text()));
                    return m.reply(m.text());
                }))
                .named("tcp-echo-server")
                .start();
        // end::server[]
        try {
            int p = bound.get(30, TimeUnit.SECONDS);
            out.say("Serving on 127.0.0.1:%d", p);
            // tag::client[]
            // reader, writer = await asyncio.open_connection('127.0.0.1', port)
            // writer.write(message); data = await reader.readline(); writer.close()
            Mono<String> client = TcpSources.connect("echo-client", "127.0.0.1", p, Framing.lines(8192),
                            Flux.just(message).concatWith(Mono.never()))  // keep writing side open until answered
                    .flux()
                    .next();                                             // the answer, then close
            // end::client[]
            List<String> answers = Tasks.run(Tasks.gather(IntStream.range(0, clients)
                    .mapToObj(i -> client.doOnSubscribe(s -> out.say("client %d: Send: %s", i, quote(message)))
                            .doOnNext(a -> {
                                out.say("client %d: Received: %s", i, quote(a));
                                out.say("client %d: Close the connection", i);
                            }))
                    .toList()));
            return answers.stream().allMatch(message::equals) ? 0 : 1;
        } finally {
            PipelineReport<Void> report = server.stop(Duration.ofSeconds(5)).block(Duration.ofSeconds(30));
            out.say("Server stopped: %d line(s) echoed", report == null ? 0 : report.stage("echo").emitted());
        }
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

}
