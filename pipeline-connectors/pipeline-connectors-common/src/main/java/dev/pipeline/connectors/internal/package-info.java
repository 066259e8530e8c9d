/**
 * Implementation details shared by the connectors (argument checks, the options classes' copy mechanism, the database sinks' batching and upsert statements). <strong>Not API:</strong>
 * anything here may change or disappear in any release; do not use it from application code.
 * The connectors use only pipeline-core's public API; these are their own.
 */
package dev.pipeline.connectors.internal;
