/**
 * Implementation details of the file connectors. <strong>Not API:</strong> anything here may
 * change or disappear in any release.
 */
package dev.pipeline.connectors.file.internal;
