package dev.pipeline.core.internal;

import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;

/**
 * What the engine may do to API objects that the API does not offer publicly: attach a run's
 * final report to the exception that failed it. The API class registers the way in when it is
 * initialized, which it is before any instance exists. (The JDK's {@code SharedSecrets}
 * pattern.)
 */
public final class Access {

    /** Attaches a report to a failure. */
    public interface Reports {
        void attach(PipelineException failure, PipelineReport<?> report);
    }

    private static volatile Reports reports;

    private Access() {
    }

    /** Called once, by {@code PipelineException}'s static initializer. */
    public static void register(Reports way) {
        reports = way;
    }

    /** Attaches {@code report} to {@code failure} unless it already has one. */
    public static void attach(PipelineException failure, PipelineReport<?> report) {
        reports.attach(failure, report);
    }
}
