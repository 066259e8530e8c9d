package dev.pipeline.examples.etl;

import java.time.Duration;
import java.util.List;

import dev.pipeline.core.ErrorPolicy;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Sink;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import dev.pipeline.examples.etl.ProgressLines.Line;
import dev.pipeline.examples.etl.ProgressLines.Row;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/** What the progress bars show, without a terminal: the lines at a given width. */
class ProgressLinesTest {

    private static final long RECORDS = 1_000_000;
    private static final long PAGES = 5000;

    private static final ProgressLines ETL = new ProgressLines(List.of(
            new Line("fetch", "fetch", "pages", PAGES, null),
            new Line("records", "records", "pages", PAGES, null),
            new Line("validate", "validate", "records", RECORDS, null),
            new Line("enrich", "enrich", "records", -1, null),
            new Line("store", "store", "rows", -1, "to-db")));

    /** The lines at the end of a run of 1,000,000 records, 9,262 of them refused, 9 s long. */
    private static List<Row> finalRows() {
        List<Line> l = ETL.lines();
        long stored = RECORDS - 9262;
        return List.of(new Row(l.get(0), PAGES, PAGES, 0, -1, PAGES / 9.0),
                new Row(l.get(1), PAGES, PAGES, 0, -1, PAGES / 9.0),
                new Row(l.get(2), RECORDS, RECORDS, 9262, -1, RECORDS / 9.0),
                new Row(l.get(3), stored, stored, 0, -1, stored / 9.0),
                new Row(l.get(4), stored, stored, 0, 0, stored / 9.0));
    }

    /** Where a line's bar starts and ends ({@code │...│}), or [-1, -1]. */
    private static int[] bar(String line) {
        return new int[] {line.indexOf('│'), line.lastIndexOf('│')};
    }

    @Nested
    class AtTheEndOfARun {

        @Test
        void everyLineFitsTheWidthAndShowsItsFinalCounts() {
            for (int width : List.of(79, 119, 159)) {        // an 80, 120 and 160 column terminal, less the right margin
                for (Row row : finalRows()) {
                    String line = ETL.render(row, width);
                    assertThat(line.length()).as(width + ": " + line).isEqualTo(width);
                    assertThat(line).as(width + ": " + line)
                            .containsPattern(" " + row.count() + "/" + row.total() + " +" + row.line().unit() + " +100%");
                }
                assertThat(ETL.render(finalRows().get(2), width)).contains("9262 rejected");
            }
        }

        @Test
        void everyBarHasTheSameWidthAndStartsInTheSameColumnAndIsFull() {
            for (int width : List.of(79, 159)) {
                List<String> lines = finalRows().stream().map(r -> ETL.render(r, width)).toList();
                int[] first = bar(lines.get(0));
                assertThat(first[1] - first[0] - 1).as("the bar's width at " + width).isEqualTo(ETL.barWidth(width)).isPositive();
                for (String line : lines) {
                    assertThat(bar(line)).as(line).containsExactly(first);
                    assertThat(line.substring(first[0] + 1, first[1])).as(line).matches("█+");
                }
            }
            assertThat(ETL.barWidth(159)).as("wide terminals get a bar of bounded width").isEqualTo(ProgressLines.MAX_BAR);
        }

        @Test
        void narrowTerminalsGetNoBarAndWhatDoesNotFitIsLeftOutWholeFromTheRight() {
            Row validate = finalRows().get(2);
            assertThat(ETL.render(validate, 159).stripTrailing()).endsWith("│  111111/s  9262 rejected");
            assertThat(ETL.render(validate, 79).stripTrailing()).endsWith("│  111111/s  9262 rejected");
            assertThat(ETL.render(validate, 50).stripTrailing()).isEqualTo("validate 1000000/1000000 records 100%  111111/s");
            assertThat(ETL.render(validate, 40).stripTrailing()).isEqualTo("validate 1000000/1000000 records 100%");
        }
    }

    @Nested
    class FromAReport {

        @Test
        void aLineWithoutATotalTakesWhatTheLineAbovePassedOn() {
            // every 10th record is refused; enrich and store are known to get the other 90
            PipelineReport<Void> report = Pipeline.from(Source.fromIterable("pages", List.of(1, 2, 3, 4, 5)))
                    .then(Stage.map("fetch", (Integer page) -> page))
                    .then(Stage.flatMap("records", (Integer page) -> Flux.range(page * 20 - 19, 20)))
                    .then(Stage.map("validate", (Integer n) -> {
                        if (n % 10 == 0) {
                            throw new IllegalArgumentException("refused " + n);
                        }
                        return n;
                    }).onError(ErrorPolicy.skip()))
                    .then(Stage.map("enrich", (Integer n) -> n))
                    .buffer("to-db", 10)
                    .to(Sink.forEach("store", (Integer n) -> { }))
                    .run().block(Duration.ofSeconds(10));
            ProgressLines lines = new ProgressLines(List.of(new Line("fetch", "fetch", "pages", 5, null),
                    new Line("records", "records", "pages", 5, null), new Line("validate", "validate", "records", 100, null),
                    new Line("enrich", "enrich", "records", -1, null), new Line("store", "store", "rows", -1, "to-db")));

            List<Row> rows = lines.rows(report);

            assertThat(rows).extracting(Row::count).containsExactly(5L, 5L, 100L, 90L, 90L);
            assertThat(rows).extracting(Row::total).containsExactly(5L, 5L, 100L, 90L, 90L);
            assertThat(rows.get(2).rejected()).isEqualTo(10);
            assertThat(rows.get(4).queue()).isZero();
            double seconds = report.duration().toNanos() / 1e9;
            assertThat(rows.get(2).perSecond()).isEqualTo(seconds > 0 ? 100 / seconds : 0);
            assertThat(ProgressLines.plain(rows.get(2))).isEqualTo("validate 100/100 records (10 rejected)");
            assertThat(ProgressLines.plain(rows.get(4))).isEqualTo("store 90/90 rows");
            assertThat(lines.render(rows.get(3), 79)).contains(" 90/90 ").contains("100%").doesNotContain("?");
        }
    }
}
