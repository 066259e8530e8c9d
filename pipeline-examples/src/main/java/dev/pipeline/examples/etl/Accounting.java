package dev.pipeline.examples.etl;

import java.util.List;

import dev.pipeline.connectors.r2dbc.InsertResult;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.StageReport;

/**
 * What the ETL's report says happened to every page and record: a completed run reconciles
 * with the demo API and the database; a stopped one balances, counting what was cut off in
 * flight and what was never started.
 *
 * @param served the records the demo API serves in all
 * @param invalidAtSource how many of those it made invalid
 * @param fromSource records that came out of the fetched pages
 * @param stored rows committed by the {@code store} sink
 * @param cutOff records in flight after {@code records} when the run was cut off
 * @param pages the pages there are
 * @param pagesTaken pages the source emitted
 * @param pagesCutOff pages in flight (being fetched or split) when the run was cut off
 * @param committed whether every sink, the dead-letter file's included, committed
 * @param audited records the audit file took (the broadcast's other branch)
 */
record Accounting(long served, long invalidAtSource, long fromSource, long stored, long deadLettered, long skipped,
        long cutOff, long pages, long pagesTaken, long pagesCutOff, boolean committed, long audited,
        PipelineReport<InsertResult> report) {

    /** The stages of the main line that hold records (after {@code records} split the pages), in order. */
    private static final List<String> RECORD_STAGES = List.of("validate", "enrich", "copy", "to-db", "store");

    static Accounting of(PipelineReport<InsertResult> report, long served, long invalid, long pages) {
        long deadLettered = 0;
        long skipped = 0;
        for (StageReport stage : report.stages()) {
            deadLettered += stage.deadLettered();
            skipped += stage.skipped();
        }
        long cutOff = RECORD_STAGES.stream().mapToLong(s -> report.stage(s).inFlight()).sum();
        // the sink's result is there when everything committed; after a cut, the rows of the batches that did
        long stored = report.result().map(InsertResult::rows).orElse(report.stage("store").emitted());
        return new Accounting(served, invalid, report.stage("records").outputs(), stored, deadLettered, skipped, cutOff, pages,
                report.stage("pages").emitted(), report.stage("fetch").inFlight() + report.stage("records").inFlight(),
                report.result().isPresent(), report.stage("audit-file").emitted(), report);
    }

    /** What the pipeline took in equals what it accounted for (cut off included). */
    boolean balances() {
        return fromSource == stored + deadLettered + skipped + cutOff;
    }

    /** It balances with nothing cut off, it took in everything the API served, the database holds what was stored, and every invalid record was refused. */
    boolean reconciles(long rowsInDatabase) {
        return balances() && cutOff == 0 && fromSource == served && rowsInDatabase == stored
                && deadLettered + skipped == invalidAtSource && audited == stored && report.reconciles();
    }

    /**
     * A completed run that resumed a checkpoint: it took in exactly the records of the pages
     * it took ({@code taken}), balanced with nothing cut off, and the table holds every valid
     * record the API serves, once (the rows of the runs before it, and any repeated, upserted by id).
     */
    boolean reconcilesResumed(long rowsInDatabase, long taken) {
        return balances() && cutOff == 0 && fromSource == taken && rowsInDatabase == served - invalidAtSource
                && audited == stored && report.reconciles();
    }

    /** The database line of a resumed run: the rows against every valid record the API serves. */
    String resumedDatabaseLine(long rowsInDatabase) {
        if (rowsInDatabase < 0) {
            return "Database:   not read back: the job was aborted";
        }
        long valid = served - invalidAtSource;
        return String.format("Database:   %d rows in etl_customers %s", rowsInDatabase, rowsInDatabase == valid
                ? "(= the API's " + valid + " valid records, over this run and the ones it resumed)"
                : "(!= the API's " + valid + " valid records)");
    }

    /** The line of a completed run: records from the API = stored + dead-lettered + skipped. */
    String completedLine() {
        return String.format("Accounting: %d records from the API = %d stored + %d dead-lettered + %d skipped  %s%n"
                        + "Audit:      %d records copied to the audit file %s", fromSource,
                stored, deadLettered, skipped, balances() && cutOff == 0 ? "(reconciled)" : "(DOES NOT RECONCILE)",
                audited, audited == stored ? "(= stored)" : "(!= stored " + stored + ")");
    }

    /** The lines of a stopped run: the records, cut off included, and the pages. */
    List<String> stoppedLines() {
        return List.of(
                String.format("Accounting: %d records from the API = %d stored + %d dead-lettered + %d skipped + %d cut off  %s",
                        fromSource, stored, deadLettered, skipped, cutOff, balances() ? "(balanced)" : "(DOES NOT BALANCE)"),
                String.format("Pages:      %d of %d taken, %d cut off in flight, %d never started", pagesTaken, pages, pagesCutOff,
                        pages - pagesTaken));
    }

    /** The database line: its row count against what was stored (-1: not read back, as after an abort). */
    String databaseLine(long rowsInDatabase) {
        if (rowsInDatabase < 0) {
            return "Database:   not read back: the job was aborted";
        }
        return String.format("Database:   %d rows in etl_customers %s", rowsInDatabase,
                rowsInDatabase == stored ? "(= stored)" : "(!= stored " + stored + ")");
    }
}
