/**
 * Micrometer metrics for pipeline runs. Needs {@code io.micrometer:micrometer-core} on the
 * class path (an optional dependency of pipeline-core); nothing else in the library loads it.
 */
package dev.pipeline.core.micrometer;
