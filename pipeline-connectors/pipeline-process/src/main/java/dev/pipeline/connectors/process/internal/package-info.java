/**
 * Implementation of the process connector. <strong>Not API:</strong> anything here may change or
 * disappear in any release; do not use it from application code.
 */
package dev.pipeline.connectors.process.internal;
