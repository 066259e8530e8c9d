package dev.pipeline.examples.tutorial;

import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpStages;
import dev.pipeline.connectors.http.demo.DemoApiServer;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.aio.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The aiohttp example: GET many JSON documents with a bound on how many are in flight
 * ({@code async with session.get(url)} under a semaphore, gathered). Against the embedded demo
 * API unless {@code --url} is given.
 */
@Command(name = "http-fetch", mixinStandardHelpOptions = true,
        description = "GET many JSON documents concurrently with a bound (aiohttp), from the embedded demo API or --url.")
public final class HttpFetch implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "URL to fetch; {id} is replaced by 1..count (default: the demo API's /items/{id}, started on 127.0.0.1 for the run)")
    String url;

    @Option(names = "--count", defaultValue = "200", description = "documents to fetch (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--concurrency", defaultValue = "16", description = "requests in flight at most (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--show", defaultValue = "3", description = "documents to print (default ${DEFAULT-VALUE})")
    int show;

    @Override
    public Integer call() {
        if (count < 1 || concurrency < 1) {
            throw new IllegalArgumentException("--count and --concurrency must be at least 1");
        }
        if (url != null) {
            return fetch(url);
        }
        try (DemoApiServer api = DemoApiServer.start()) {
            return fetch(api.baseUri().resolve("/items/") + "{id}");
        }
    }

    private int fetch(String template) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("GET %s for id 1..%d, at most %d in flight%n", template, count, concurrency);
        out.flush();
        long start = System.nanoTime();
        PipelineReport<List<JsonNode>> report = Tasks.run(Pipeline
                .from(Source.fromIterable("ids", () -> IntStream.rangeClosed(1, count).boxed().iterator()))
                .then(HttpStages.get("get", (Integer id) -> URI.create(template.replace("{id}", id.toString())), JsonNode.class,
                        HttpOptions.defaults().concurrency(concurrency)))
                .to(Sink.<JsonNode>collect("documents"))
                .named("http-fetch").run());
        double seconds = (System.nanoTime() - start) / 1e9;
        List<JsonNode> documents = report.result().orElseThrow();
        documents.stream().limit(show).forEach(d -> out.println("  " + d));
        out.printf("fetched %d JSON documents in %.2f s (%.0f requests/s, %d retried)%n", documents.size(), seconds,
                documents.size() / seconds, report.stage("get").retried());
        out.flush();
        return documents.size() == count ? 0 : 1;
    }
}
