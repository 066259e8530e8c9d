package dev.pipeline.core.internal;

import dev.pipeline.core.Delivery;
import dev.pipeline.core.PipelineException;
import dev.pipeline.core.PipelineReport;
import dev.pipeline.core.Settlement;

/**
 * What the engine may do to API objects that the API does not offer publicly: attach a run's
 * final report to the exception that failed it, settle a delivery. The API class registers the way in when it is
 * initialized, which it is before any instance exists. (The JDK's {@code SharedSecrets}
 * pattern.)
 */
public final class Access {

    /** Attaches a report to a failure. */
    public interface Reports {
        void attach(PipelineException failure, PipelineReport<?> report);
    }

    /** Settles a delivery of an acknowledged source. */
    public interface Deliveries {
        void settle(Delivery<?> delivery, Settlement settlement);
    }

    private static volatile Reports reports;
    private static volatile Deliveries deliveries;

    private Access() {
    }

    /** Called once, by {@code PipelineException}'s static initializer. */
    public static void register(Reports way) {
        reports = way;
    }

    /** Called once, by {@code Delivery}'s static initializer. */
    public static void registerDeliveries(Deliveries way) {
        deliveries = way;
    }

    /** Calls {@code delivery}'s settlement callback (its class is initialized: an instance exists). */
    public static void settle(Delivery<?> delivery, Settlement settlement) {
        deliveries.settle(delivery, settlement);
    }

    /** Attaches {@code report} to {@code failure} unless it already has one. */
    public static void attach(PipelineException failure, PipelineReport<?> report) {
        reports.attach(failure, report);
    }
}
