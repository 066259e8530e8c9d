/**
 * Implementation details of the R2DBC connectors. <strong>Not API:</strong> anything here may
 * change or disappear in any release.
 */
package dev.pipeline.connectors.r2dbc.internal;
