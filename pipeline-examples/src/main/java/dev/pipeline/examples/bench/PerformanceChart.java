package dev.pipeline.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The chart in docs/performance.md, drawn from RESULT lines: each scenario's wall time in
 * seconds (async_s for chess) per implementation, on a log scale; lower is better.
 */
@Command(name = "chart", mixinStandardHelpOptions = true,
        description = "Draw docs/performance.png from a file of RESULT lines (see 'bench all --results').")
public final class PerformanceChart implements Callable<Integer> {

    @Option(names = "--results", required = true, paramLabel = "FILE", description = "the RESULT lines")
    Path results;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "the chart to write")
    Path out;

    @Override
    public Integer call() throws IOException {
        write(parse(Files.readAllLines(results)), out);
        System.out.println("chart: " + out.toAbsolutePath());
        return 0;
    }

    /** One bar: scenario (with its size), implementation, seconds. */
    record Bar(String scenario, String impl, double seconds) {
    }

    /** Reads the bars out of RESULT lines; lines without a time are left out. */
    static List<Bar> parse(List<String> lines) {
        List<Bar> bars = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("RESULT ")) {
                continue;
            }
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.substring(7).trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    kv.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            String scenario = kv.get("scenario");
            String seconds = kv.containsKey("async_s") ? kv.get("async_s") : kv.get("wall_s");
            if (scenario == null || seconds == null) {
                continue;
            }
            if (scenario.equals("gather-sleep")) {
                scenario += " k=" + kv.get("k");
            }
            bars.add(new Bar(scenario, kv.getOrDefault("impl", "?"), Double.parseDouble(seconds)));
        }
        return bars;
    }

    /** Draws the bars as a grouped bar chart (PNG). */
    static void write(List<Bar> bars, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> scenarios = bars.stream().map(Bar::scenario).distinct().toList();
        List<String> impls = bars.stream().map(Bar::impl).distinct().toList();
        CategoryChart chart = new CategoryChartBuilder().width(1200).height(600)
                .title("Wall time per scenario (log scale, lower is better)")
                .xAxisTitle("scenario").yAxisTitle("seconds").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(bars.stream().mapToDouble(Bar::seconds).filter(v -> v > 0).min().orElse(1) / 2);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setOverlapped(false);
        for (String impl : impls) {
            List<Double> ys = new ArrayList<>();
            for (String scenario : scenarios) {
                ys.add(bars.stream().filter(b -> b.scenario().equals(scenario) && b.impl().equals(impl) && b.seconds() > 0)
                        .map(Bar::seconds).findFirst().orElse(null));
            }
            chart.addSeries(impl, scenarios, ys);
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String name = png.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
