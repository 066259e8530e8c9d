package dev.pipeline.examples.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The charts in docs/performance.md, drawn from RESULT lines. The main chart has one panel per
 * scenario (family): for each of the project's implementations, its speed relative to each
 * reference in the same run (the reference's time over ours: above 1 is faster), with the
 * issue's target beside it where there is one, on a log scale. Sweep lines
 * ({@code bench sweep}) go to a second chart beside it ({@code <name>-sweeps.png}): wall time
 * against size, log-log, one panel per swept scenario.
 */
@Command(name = "chart", mixinStandardHelpOptions = true,
        description = "Draw docs/performance.png (and -sweeps.png) from a file of RESULT lines (see 'bench all --results').")
public final class PerformanceChart implements Callable<Integer> {

    /** Targets, as the least ratio (reference time / ours) that meets them: issue 15 and SCENARIOS.md. */
    private static final Map<String, Double> TARGETS = Map.ofEntries(
            Map.entry("db-insert|jdbc-batch", 1.0),
            Map.entry("db-insert|r2dbc-raw", 0.95),
            Map.entry("overhead|flux", 1 / 1.15),
            Map.entry("http-fetch|reactor-netty", 0.95),
            Map.entry("http-fetch|wrk", 0.25),
            Map.entry("file-lines|buffered-reader", 1.6),
            Map.entry("gather-sleep k=1000000|ideal", 1 / 1.3),
            Map.entry("semaphore|ideal", 1 / 1.03),
            Map.entry("chain|ideal", 0.020 / 0.035),
            Map.entry("backpressure-memory|ideal", 10.0 / 10.5));

    /** Series colours that can be told apart (Okabe-Ito), the target always in black. */
    private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xD55E00)};
    private static final Color TARGET = new Color(0x222222);

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

    /** One RESULT line: its scenario (gather-sleep with its size), implementation and values. */
    public record Line(String scenario, String impl, Map<String, String> values) {
        Double number(String key) {
            String v = values.get(key);
            if (v == null) {
                return null;
            }
            try {
                return Double.valueOf(v);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** Seconds for the scenario's work (async_s for chess), or null. */
        Double seconds() {
            Double s = number("async_s");
            return s != null ? s : number("wall_s");
        }

        /** Requests per second where that is the figure (wrk has no time). */
        Double rate() {
            return number("req_per_s");
        }

        boolean ours() {
            return impl.startsWith("pipeline") || impl.startsWith("aio-");
        }
    }

    /** Reads RESULT lines; lines without a scenario are left out. */
    public static List<Line> parse(List<String> lines) {
        List<Line> parsed = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("RESULT ")) {
                continue;
            }
            Map<String, String> kv = SweepBench.parse(line);
            String scenario = kv.get("scenario");
            if (scenario == null || "absent".equals(kv.get("status"))) {
                continue;
            }
            if (scenario.equals("gather-sleep")) {
                scenario += " k=" + kv.get("k");
            }
            parsed.add(new Line(scenario, kv.getOrDefault("impl", "?"), kv));
        }
        return parsed;
    }

    /** How much faster {@code ours} is than {@code ref}: the reference's time over ours (or our rate over its). */
    public static Double ratio(Line ours, Line ref) {
        if (ours.rate() != null && ref.rate() != null) {
            return ours.rate() / ref.rate();
        }
        Double a = ours.seconds();
        Double b = ref.seconds();
        return a == null || b == null || a <= 0 ? null : b / a;
    }

    /** Draws the panels (PNG); sweep lines, when there are any, to {@code <name>-sweeps.png}. */
    static void write(List<Line> lines, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Line> runs = lines.stream().filter(l -> !l.scenario().startsWith("sweep-")).toList();
        List<Line> sweeps = lines.stream().filter(l -> l.scenario().startsWith("sweep-")).toList();
        List<CategoryChart> panels = new ArrayList<>();
        for (String scenario : new LinkedHashSet<>(runs.stream().map(Line::scenario).toList())) {
            CategoryChart panel = panel(scenario, runs.stream().filter(l -> l.scenario().equals(scenario)).toList());
            if (panel != null) {
                panels.add(panel);
            }
        }
        save(panels, png);
        if (!sweeps.isEmpty()) {
            List<XYChart> curves = new ArrayList<>();
            for (String scenario : new LinkedHashSet<>(sweeps.stream().map(Line::scenario).toList())) {
                curves.add(sweepPanel(scenario, sweeps.stream().filter(l -> l.scenario().equals(scenario)).toList()));
            }
            String name = png.getFileName().toString().replaceFirst("\\.png$", "");
            save(curves, png.resolveSibling(name + "-sweeps.png"));
        }
    }

    /** One scenario: a group of bars per reference, a bar per implementation of ours, and the target. */
    private static CategoryChart panel(String scenario, List<Line> lines) {
        List<Line> ours = lines.stream().filter(Line::ours).toList();
        List<Line> refs = new ArrayList<>(lines.stream().filter(l -> !l.ours()).toList());
        Double ideal = ours.isEmpty() ? null : ours.get(0).number("ideal_s");
        if (ideal == null && !ours.isEmpty()) {
            ideal = ours.get(0).number("ideal_async_s");
        }
        if (ideal != null) {
            refs.add(new Line(scenario, "ideal", Map.of("wall_s", Double.toString(ideal))));
        }
        if (ours.isEmpty() || refs.isEmpty()) {
            return null;
        }
        List<String> categories = refs.stream().map(r -> "vs " + r.impl()).toList();
        CategoryChart chart = new CategoryChartBuilder().width(420).height(320).title(title(scenario))
                .yAxisTitle("ref time / ours (>1 faster)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisLabelRotation(0);
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 13));
        chart.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 10));
        chart.getStyler().setLegendFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 10));
        double min = Double.MAX_VALUE;
        double max = 0;
        int colour = 0;
        for (Line o : ours) {
            List<Double> ys = new ArrayList<>();
            for (Line r : refs) {
                Double v = ratio(o, r);
                ys.add(v);
                if (v != null && v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            chart.addSeries(o.impl(), categories, ys).setFillColor(PALETTE[colour++ % PALETTE.length]);
        }
        List<Double> targets = new ArrayList<>();
        boolean any = false;
        for (Line r : refs) {
            Double t = TARGETS.get(scenario + "|" + r.impl());
            targets.add(t);
            if (t != null) {
                any = true;
                min = Math.min(min, t);
                max = Math.max(max, t);
            }
        }
        if (any) {
            chart.addSeries("target", categories, targets).setFillColor(TARGET);
        }
        if (max == 0) {
            return null;
        }
        chart.getStyler().setYAxisMin(Math.min(min / 2, 0.5));
        chart.getStyler().setYAxisMax(Math.max(max * 2, 2));
        return chart;
    }

    private static final Map<String, String> IDS = Map.of("queue", "S1", "gather-sleep", "S2", "semaphore", "S3",
            "chain", "S4", "chess", "S5", "http-fetch", "S6", "db-insert", "S7", "file-lines", "S8",
            "backpressure-memory", "S9");

    private static String title(String scenario) {
        String id = IDS.get(scenario.split(" ")[0]);
        return id == null ? scenario : id + " " + scenario;
    }

    /** One swept scenario: wall time against size, a line per implementation, log-log. */
    private static XYChart sweepPanel(String scenario, List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(560).height(360).title(scenario.substring("sweep-".length()) + ": time vs size")
                .xAxisTitle("size").yAxisTitle("wall seconds").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        int colour = 0;
        Set<String> impls = new LinkedHashSet<>(lines.stream().map(Line::impl).toList());
        for (String impl : impls) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Line l : lines) {
                if (l.impl().equals(impl) && l.number("size") != null && l.seconds() != null && l.seconds() > 0) {
                    xs.add(l.number("size"));
                    ys.add(l.seconds());
                }
            }
            if (!xs.isEmpty()) {
                var s = chart.addSeries(impl, xs, ys);
                s.setLineColor(PALETTE[colour % PALETTE.length]);
                s.setMarkerColor(PALETTE[colour++ % PALETTE.length]);
            }
        }
        return chart;
    }

    private static <C extends Chart<?, ?>> void save(List<C> charts, Path png) throws IOException {
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("no RESULT lines with a reference to compare with: nothing to draw in " + png);
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        int cols = Math.min(4, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        String name = png.toString();
        BitmapEncoder.saveBitmap(charts, rows, cols, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
