package dev.pipeline.examples;

import java.util.List;

import dev.pipeline.examples.bench.BenchResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark scenarios run at small sizes and check their own results (no timing asserted). */
class BenchTest {

    private static String resultLine(Cli.Run run) {
        List<String> results = run.lines().stream().filter(l -> l.startsWith("RESULT ")).toList();
        assertThat(results).as(run.out() + run.err()).isNotEmpty();
        return results.get(results.size() - 1);
    }

    @Test
    void resultLinesFollowTheDocumentedFormat() {
        String line = BenchResult.of("queue", "pipeline").put("n", 10).put("wall_s", 1.23456).put("big", 1234.56)
                .put("ok", true).line();
        assertThat(line).isEqualTo("RESULT scenario=queue impl=pipeline n=10 wall_s=1.2346 big=1234.6 ok=true");
        assertThatThrownBy(() -> BenchResult.of("a", "b").put("k", "two words")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void queueChecksumIsExact() {
        Cli.Run run = Cli.run("bench", "queue", "--n", "20000", "--capacity", "16", "--rounds", "1");
        assertThat(run.code()).isZero();
        assertThat(resultLine(run)).startsWith("RESULT scenario=queue impl=aio-queue n=20000 producers=4 consumers=4 capacity=16")
                .contains("checksum=" + (20000L * 19999 / 2)).endsWith("ok=true");
        assertThat(run.lines()).filteredOn(l -> l.startsWith("RESULT scenario=queue impl=aio-queue-item "))
                .singleElement().asString().contains("checksum=" + (20000L * 19999 / 2)).contains(" busy_cores=")
                .endsWith("ok=true");
        assertThat(run.lines()).filteredOn(l -> l.startsWith("ROUNDS scenario=queue impl=aio-queue-item "))
                .singleElement().asString().contains(" wall_s=").contains(" cpu_parallel_s=");
        assertThat(run.lines()).filteredOn(l -> l.startsWith("RESULT scenario=queue impl=reactor-floor-subscribed "))
                .singleElement().asString().contains("checksum=" + (20000L * 19999 / 2)).endsWith("ok=true");
        assertThat(run.lines()).filteredOn(l -> l.startsWith("RESULT scenario=queue impl=reactor-floor "))
                .singleElement().asString().contains("checksum=" + (20000L * 19999 / 2)).contains(" cpu_ns_per_item=")
                .endsWith("ok=true");
    }

    @Test
    void sleepScenariosComplete() {
        assertThat(resultLine(Cli.run("bench", "gather-sleep", "--k", "500", "--sleep", "0.05", "--rounds", "1")))
                .contains("scenario=gather-sleep impl=pipeline k=500").endsWith("ok=true");
        assertThat(resultLine(Cli.run("bench", "semaphore", "--k", "100", "--permits", "10", "--sleep-ms", "1", "--rounds", "1")))
                .contains("max_concurrent=10").endsWith("ok=true");
        assertThat(resultLine(Cli.run("bench", "chain", "--k", "100", "--rounds", "1"))).endsWith("ok=true");
        assertThat(resultLine(Cli.run("bench", "chess", "--boards", "3", "--moves", "2", "--rounds", "1")))
                .contains("boards=3 moves=2").endsWith("ok=true");
    }

    @Test
    void overheadComparesTheSameChecksum() {
        Cli.Run run = Cli.run("bench", "overhead", "--n", "3000", "--rounds", "2");
        assertThat(run.code()).isZero();
        long expected = 0;
        for (long i = 0; i < 3000; i++) {
            if (i * 2 % 3 != 0) {
                expected += i * 2 + 1;
            }
        }
        assertThat(run.out()).contains("impl=flux n=3000").contains("checksum=" + expected);
        assertThat(resultLine(run)).contains("impl=pipeline").contains("checksum=" + expected).endsWith("ok=true");
    }

    @Test
    void backpressureRunsInABoundedChildJvm() {
        Cli.Run run = Cli.run("bench", "backpressure-memory", "--n", "50000", "--xmx", "64m");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(resultLine(run)).contains("n=50000").contains("max_heap_mb=64").contains("max_queue_depth=").endsWith("ok=true");
    }

    @Test
    // a dozen scenarios in one JVM (and wrk for 1 s when it is installed): beyond the default 120 s on a loaded 2-core machine
    @org.junit.jupiter.api.Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void benchAllRunsEveryScenarioAndDrawsTheChart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path results = dir.resolve("results.txt");
        java.nio.file.Path chart = dir.resolve("chart.png");
        Cli.Run run = Cli.run("bench", "all", "--quick", "--results", results.toString(), "--chart", chart.toString());
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        List<String> lines = java.nio.file.Files.readAllLines(results);
        for (String scenario : List.of("queue", "gather-sleep", "semaphore", "chain", "chess", "http-fetch", "db-insert",
                "file-lines", "backpressure-memory", "overhead")) {
            assertThat(lines).as(scenario).anyMatch(l -> l.startsWith("RESULT scenario=" + scenario + " impl="));
        }
        assertThat(lines).allMatch(l -> l.startsWith("RESULT scenario="));
        assertThat(lines.stream().filter(l -> l.contains(" ok=")).toList()).allMatch(l -> l.contains(" ok=true"));
        assertThat(lines).as("S7 reports the JDBC sink, the R2DBC sink and both raw drivers in one run")
                .anyMatch(l -> l.startsWith("RESULT scenario=db-insert impl=pipeline ") && l.contains(" sink=jdbc "))
                .anyMatch(l -> l.startsWith("RESULT scenario=db-insert impl=pipeline-r2dbc "))
                .anyMatch(l -> l.startsWith("RESULT scenario=db-insert impl=jdbc-batch "))
                .anyMatch(l -> l.startsWith("RESULT scenario=db-insert impl=r2dbc-raw "));
        byte[] png = java.nio.file.Files.readAllBytes(chart);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void theChartDrawsAPanelPerScenarioEvenWhenTheLastRowIsNotFull(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        for (String s : List.of("a", "b", "c", "d", "e")) {   // 5 panels: a grid of 4 columns, one in the last row
            lines.add("RESULT scenario=" + s + " impl=flux wall_s=2.0");
            lines.add("RESULT scenario=" + s + " impl=pipeline wall_s=1.0");
        }
        lines.add("RESULT scenario=sweep-queue impl=pipeline size=10 wall_s=1.0");
        lines.add("RESULT scenario=sweep-queue impl=pipeline size=100 wall_s=3.0");
        java.nio.file.Path png = dir.resolve("chart.png");
        dev.pipeline.examples.bench.PerformanceChart.write(dev.pipeline.examples.bench.PerformanceChart.parse(lines), png);
        var image = javax.imageio.ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isGreaterThan(image.getHeight());
        assertThat(javax.imageio.ImageIO.read(dir.resolve("chart-sweeps.png").toFile())).isNotNull();
    }

    @Test
    void theChartComparesEachImplementationWithEachReferenceInTheSameRun() {
        List<String> lines = List.of(
                "RESULT scenario=db-insert impl=jdbc-batch rows=10 wall_s=2.0",
                "RESULT scenario=db-insert impl=r2dbc-raw rows=10 wall_s=4.0",
                "RESULT scenario=db-insert impl=pipeline rows=10 wall_s=1.0 sink=jdbc",
                "RESULT scenario=http-fetch impl=wrk req_per_s=1000.0",
                "RESULT scenario=http-fetch impl=python status=absent reason=none",
                "RESULT scenario=http-fetch impl=pipeline req_per_s=250.0 wall_s=4.0");
        var parsed = dev.pipeline.examples.bench.PerformanceChart.parse(lines);
        assertThat(parsed).as("a reference that did not run is no bar").hasSize(5);
        var pipeline = parsed.get(2);
        assertThat(dev.pipeline.examples.bench.PerformanceChart.ratio(pipeline, parsed.get(0))).isEqualTo(2.0);
        assertThat(dev.pipeline.examples.bench.PerformanceChart.ratio(pipeline, parsed.get(1))).isEqualTo(4.0);
        assertThat(dev.pipeline.examples.bench.PerformanceChart.ratio(parsed.get(4), parsed.get(3)))
                .as("rates where the reference has no time (wrk)").isEqualTo(0.25);
    }

    @Test
    void sweepRefusesAScenarioItCannotSweep() {
        Cli.Run run = Cli.run("bench", "sweep", "chess");
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("'chess' cannot be swept").contains("db-insert");
    }

    @Test
    void sweepRunsEachSizeInAFreshJvmAndPrintsTheGrowth() {
        Cli.Run run = Cli.run("bench", "sweep", "overhead", "--sizes", "1000,4000");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        List<String> sweep = run.lines().stream().filter(l -> l.startsWith("RESULT scenario=sweep-overhead ")).toList();
        assertThat(sweep).anyMatch(l -> l.contains("impl=pipeline size=1000 ")).anyMatch(l -> l.contains("impl=flux size=4000 "))
                .allMatch(l -> l.contains(" rss_mb=") && l.endsWith("ok=true"));
        assertThat(run.out()).contains("x time").contains("x rss");
    }
}
