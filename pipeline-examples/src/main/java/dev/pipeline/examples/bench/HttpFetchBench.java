package dev.pipeline.examples.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pipeline.connectors.http.HttpOptions;
import dev.pipeline.connectors.http.HttpStages;
import dev.pipeline.connectors.http.demo.DemoApiServer;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * S6 http-fetch: M GETs of a ~100-byte JSON body ({@code /items/{id}} of the
 * {@link DemoApiServer}, in this JVM on 127.0.0.1) at a given concurrency, through the HTTP
 * stage in a pipeline, against a hand-written Reactor Netty client loop in the same JVM and
 * {@code wrk -t1 -cN -d5s} against the same server when wrk is on the PATH, and with
 * {@code --python DIR} CPython's aiohttp reference ({@code s6_http_fetch.py}) against it too. Each in-JVM
 * implementation runs {@code --warmup} warm-up rounds, then {@code --rounds} measured rounds alternating
 * with the other; the median round counts. Prints one RESULT line per implementation,
 * the pipeline's last.
 */
@Command(name = "http-fetch", mixinStandardHelpOptions = true,
        description = "S6 http-fetch: GETs of a ~100-byte JSON body at concurrency N, vs Reactor Netty and wrk")
public final class HttpFetchBench implements Callable<Integer> {

    @Option(names = "--m", description = "GETs per round (default ${DEFAULT-VALUE})")
    int m = 20_000;

    @Option(names = "--concurrency", description = "requests in flight (default ${DEFAULT-VALUE})")
    int concurrency = 64;

    @Option(names = "--rounds", description = "measured rounds per implementation (default ${DEFAULT-VALUE})")
    int rounds = 7;

    @Option(names = "--warmup", description = "warm-up rounds per implementation (default ${DEFAULT-VALUE})")
    int warmup = 5;

    @Option(names = "--ordered", description = "keep input order in the stage (the hand-written loop does not; default ${DEFAULT-VALUE})")
    boolean ordered;

    @Option(names = "--plain", hidden = true, description = "no timeout and no retry on the stage (to measure their cost)")
    boolean plain;

    @Option(names = "--wrk-seconds", description = "wrk duration in seconds (default ${DEFAULT-VALUE})")
    int wrkSeconds = 5;

    @Option(names = "--python", paramLabel = "DIR",
            description = "also run the CPython reference DIR/s6_http_fetch.py (aiohttp) against the same server")
    java.nio.file.Path python;

    @Override
    public Integer call() throws Exception {
        try (DemoApiServer server = DemoApiServer.start()) {
            URI base = server.baseUri();
            System.out.printf("http-fetch: %,d GETs of %sitems/{id} at concurrency %d, %d rounds after a warm-up%n",
                    m, base, concurrency, rounds);
            ConnectionProvider provider = ConnectionProvider.builder("bench-netty")
                    .maxConnections(concurrency).pendingAcquireMaxCount(-1).build();
            try {
            HttpClient netty = HttpClient.create(provider);
            Pipeline<Long> pipeline = Pipeline.from(Source.generate("ids", () -> 0, (Integer i, reactor.core.publisher.SynchronousSink<Integer> sink) -> {
                        if (i < m) {
                            sink.next(i);
                        } else {
                            sink.complete();
                        }
                        return i + 1;
                    }))
                    .then(stage(base))
                    .to(Sink.of("count", (Flux<String> bodies) -> bodies.count()));

            for (int w = 0; w < warmup; w++) {
                roundNetty(netty, base);
                roundPipeline(pipeline);
            }
            double[] nettyRates = new double[rounds];
            double[] pipelineRates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                nettyRates[r] = roundNetty(netty, base);
                pipelineRates[r] = roundPipeline(pipeline);
                System.out.printf("  round %d: reactor-netty %,.0f req/s, pipeline %,.0f req/s%n", r + 1, nettyRates[r], pipelineRates[r]);
            }
            double nettyRate = median(nettyRates);
            double pipelineRate = median(pipelineRates);
            System.out.println(BenchResult.of("http-fetch", "reactor-netty").put("req_per_s", nettyRate)
                    .put("wall_s", m / nettyRate).put("m", m).put("concurrency", concurrency).line());

            Double wrkRate = wrk(base.resolve("/items/1"));
            if (wrkRate == null) {
                System.out.println(BenchResult.of("http-fetch", "wrk").put("status", "absent").line());
            } else {
                System.out.println(BenchResult.of("http-fetch", "wrk").put("req_per_s", wrkRate)
                        .put("connections", concurrency).put("seconds", wrkSeconds).line());
            }
            Double pythonRate = python == null ? null : python(base.resolve("/items/1"));
            BenchResult result = BenchResult.of("http-fetch", "pipeline").put("req_per_s", pipelineRate)
                    .put("wall_s", m / pipelineRate).put("m", m).put("concurrency", concurrency)
                    .put("ratio_netty", pipelineRate / nettyRate);
            result = wrkRate == null ? result.put("ratio_wrk", "na") : result.put("ratio_wrk", pipelineRate / wrkRate);
            if (python != null) {
                result = pythonRate == null ? result.put("ratio_python", "na") : result.put("ratio_python", pipelineRate / pythonRate);
            }
            System.out.println(result.line());
            } finally {
                provider.disposeLater().block(Duration.ofSeconds(10));
            }
        }
        return 0;
    }

    private dev.pipeline.core.Stage<Integer, String> stage(URI base) {
        HttpOptions options = HttpOptions.defaults().concurrency(concurrency);
        if (plain) {
            options = options.retries(0, Duration.ofMillis(1), Duration.ofMillis(1));
        }
        dev.pipeline.core.Stage<Integer, String> s = HttpStages.get("fetch", (Integer id) -> base.resolve("/items/" + id),
                String.class, options).ordered(ordered);
        return s;
    }

    /** The hand-written loop: flatMap over GETs with the same bound and pool size. */
    private double roundNetty(HttpClient client, URI base) {
        System.gc(); // each round starts from a collected heap, so one round's garbage does not bill the next
        long start = System.nanoTime();
        Long n = Flux.range(0, m)
                .flatMap(i -> client.get().uri(base.resolve("/items/" + i))
                        .responseSingle((res, body) -> res.status().code() == 200 ? body.asString()
                                : Mono.error(new IllegalStateException("status " + res.status()))), concurrency)
                .count()
                .block(Duration.ofMinutes(5));
        check(n);
        return m / ((System.nanoTime() - start) / 1e9);
    }

    private double roundPipeline(Pipeline<Long> pipeline) {
        System.gc();
        long start = System.nanoTime();
        PipelineReport<Long> report = pipeline.run().block(Duration.ofMinutes(5));
        check(report.result().orElse(0L));
        return m / ((System.nanoTime() - start) / 1e9);
    }

    private void check(Long n) {
        if (n == null || n != m) {
            throw new IllegalStateException("expected " + m + " responses, got " + n);
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /**
     * Runs the CPython aiohttp reference against the same server (M GETs at the same
     * concurrency, three rounds: its RESULT line reports the cold round's rate and the warm
     * one's); prints its RESULT line, or one with {@code status=absent} and the reason when
     * python3 or aiohttp is missing. Returns its warm rate, or null.
     */
    private Double python(URI url) throws Exception {
        java.nio.file.Path script = python.resolve("s6_http_fetch.py");
        String missing = !new File("/usr/bin/python3").canExecute() ? "no_/usr/bin/python3"
                : !java.nio.file.Files.isRegularFile(script) ? "no_" + script.getFileName()
                : new ProcessBuilder("/usr/bin/python3", "-c", "import aiohttp").start().waitFor() != 0
                        ? "python3-aiohttp_not_installed_(Debian:_apt-get_install_python3-aiohttp)" : null;
        if (missing != null) {
            System.out.println("  CPython S6: skipped: " + missing.replace('_', ' '));
            System.out.println(BenchResult.of("http-fetch", "python").put("status", "absent").put("reason", missing).line());
            return null;
        }
        List<String> cmd = List.of("/usr/bin/python3", script.toString(), "-m", Integer.toString(m),
                "--concurrency", Integer.toString(concurrency), "--url", url.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String result = null;
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.startsWith("RESULT ")) {
                    result = line.strip();
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || result == null) {
            p.destroy();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        System.out.println(result);
        Matcher warm = Pattern.compile("warm_items_per_s=([0-9.]+)").matcher(result);
        Matcher cold = Pattern.compile("items_per_s=([0-9.]+)").matcher(result);
        return warm.find() ? Double.valueOf(warm.group(1)) : cold.find() ? Double.valueOf(cold.group(1)) : null;
    }

    /** Runs wrk against the URL; null when wrk is not on the PATH. */
    private Double wrk(URI url) throws Exception {
        if (!onPath("wrk")) {
            System.out.println("  wrk: not on the PATH (Debian: apt-get install wrk); skipped");
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t1", "-c" + concurrency, "-d" + wrkSeconds + "s", url.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
            }
        }
        if (!p.waitFor(wrkSeconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroy();
            throw new IllegalStateException("wrk failed: " + out);
        }
        Matcher rate = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
        if (!rate.find()) {
            throw new IllegalStateException("no Requests/sec in wrk's output: " + out);
        }
        System.out.print("  wrk: " + String.join(" ", cmd) + "\n" + out.toString().replaceAll("(?m)^", "    "));
        return Double.parseDouble(rate.group(1));
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
