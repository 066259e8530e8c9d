package dev.pipeline.examples.etl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.StageReport;

/**
 * The lines of the progress display: made from a report, and fitted to a terminal's width.
 *
 * <p>Every line has the same columns: the label, {@code count/total unit} and the percentage
 * first (they are what must stay visible), then a bar of the same width on every line, then
 * what fits of the rate, the rejected records and the queue depth. A line whose total is not
 * given takes what the line above passes on: that line's total less what it refused.
 */
final class ProgressLines {

    /** A bar's width between its borders, at most. */
    static final int MAX_BAR = 50;
    /** Narrower than this, no bar is drawn. */
    static final int MIN_BAR = 8;
    /** Room kept after the bar, so that the bar's width does not depend on a line's rate or counts. */
    static final int AFTER_BAR = 25;

    private static final char[] EIGHTHS = {' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'};

    /**
     * A stage to show.
     *
     * @param stage its name in the report
     * @param label what the line calls it
     * @param unit what it counts
     * @param total how many there are, or -1: what the line above passes on
     * @param queue the buffer whose depth this line shows, or null
     */
    record Line(String stage, String label, String unit, long total, String queue) {
    }

    /** One line's numbers at one moment; {@code total} is -1 when unknown, {@code queue} -1 when not shown. */
    record Row(Line line, long count, long total, long rejected, long queue, double perSecond) {
    }

    private final List<Line> lines;
    private final int labelWidth;
    private final int countWidth;
    private final int unitWidth;

    ProgressLines(List<Line> lines) {
        this.lines = List.copyOf(lines);
        this.labelWidth = lines.stream().mapToInt(l -> l.label().length()).max().orElse(0);
        this.unitWidth = lines.stream().mapToInt(l -> l.unit().length()).max().orElse(0);
        this.countWidth = Long.toString(lines.stream().mapToLong(Line::total).max().orElse(0)).length();
    }

    List<Line> lines() {
        return lines;
    }

    /** Each line's numbers in {@code report}; rates are per second of the run so far. */
    List<Row> rows(PipelineReport<?> report) {
        double seconds = report.duration().toNanos() / 1e9;
        List<Row> rows = new ArrayList<>(lines.size());
        long passedOn = -1;
        for (Line line : lines) {
            StageReport stage = report.stage(line.stage());
            long total = line.total() >= 0 ? line.total() : passedOn;
            long count = stage.received() - stage.inFlight();
            long refused = stage.filtered() + stage.skipped() + stage.deadLettered() + stage.failed();
            passedOn = total < 0 ? -1 : Math.max(0, total - refused);
            long queue = line.queue() == null ? -1 : report.stage(line.queue()).inFlight();
            rows.add(new Row(line, count, total, stage.deadLettered() + stage.skipped(), queue,
                    seconds > 0 ? count / seconds : 0));
        }
        return rows;
    }

    /** The width of a bar between its borders on a line of {@code width} columns (0: no bar); the same for every line. */
    int barWidth(int width) {
        int left = labelWidth + 1 + countWidth + 1 + countWidth + 1 + unitWidth + 1 + 4;
        int bar = width - left - 1 - 2 - AFTER_BAR;
        return bar < MIN_BAR ? 0 : Math.min(bar, MAX_BAR);
    }

    /**
     * One line of exactly {@code width} columns (padded: the line is redrawn over the last one):
     * the counts always, then the bar, then what fits of the rest.
     */
    String render(Row row, int width) {
        StringBuilder sb = new StringBuilder();
        sb.append(pad(row.line().label(), labelWidth)).append(' ')
                .append(padLeft(Long.toString(row.count()), countWidth)).append('/')
                .append(pad(row.total() < 0 ? "?" : Long.toString(row.total()), countWidth)).append(' ')
                .append(pad(row.line().unit(), unitWidth)).append(' ')
                .append(padLeft(percent(row), 4));
        int bar = barWidth(width);
        if (bar > 0) {
            sb.append(" │").append(bar(row, bar)).append('│');
        }
        List<String> rest = new ArrayList<>();
        rest.add(rate(row.perSecond()));
        if (row.rejected() > 0) {
            rest.add(row.rejected() + " rejected");
        }
        if (row.queue() >= 0) {
            rest.add("queue " + row.queue());
        }
        for (String item : rest) {
            if (sb.length() + 2 + item.length() > width) {
                break;
            }
            sb.append("  ").append(item);
        }
        return fit(sb.toString(), width);
    }

    /** {@code text}, cut or padded to {@code width} columns. */
    static String fit(String text, int width) {
        return text.length() <= width ? pad(text, width) : text.substring(0, Math.max(0, width));
    }

    /** The plain form, for a log line: {@code validate 2878/10000 records (62 rejected)}. */
    static String plain(Row row) {
        StringBuilder sb = new StringBuilder(row.line().label()).append(' ').append(row.count());
        if (row.total() >= 0) {
            sb.append('/').append(row.total());
        }
        sb.append(' ').append(row.line().unit());
        if (row.rejected() > 0) {
            sb.append(" (").append(row.rejected()).append(" rejected)");
        }
        return sb.toString();
    }

    private static String percent(Row row) {
        if (row.total() < 0) {
            return "?%";
        }
        return (row.total() == 0 ? 100 : Math.min(100, row.count() * 100 / row.total())) + "%";
    }

    private static String bar(Row row, int width) {
        if (row.total() < 0) {
            return " ".repeat(width);
        }
        long eighths = row.total() == 0 ? width * 8L : Math.min(width * 8L, row.count() * width * 8 / row.total());
        StringBuilder sb = new StringBuilder(width);
        sb.append("█".repeat((int) (eighths / 8)));
        if (sb.length() < width) {
            sb.append(EIGHTHS[(int) (eighths % 8)]);
        }
        return sb.append(" ".repeat(width - sb.length())).toString();
    }

    private static String rate(double perSecond) {
        return perSecond < 10 ? String.format(Locale.ROOT, "%.1f/s", perSecond) : Math.round(perSecond) + "/s";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
