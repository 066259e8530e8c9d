/**
 * Implementation details of the JDBC connectors. <strong>Not API:</strong> anything here may
 * change or disappear in any release.
 */
package dev.pipeline.connectors.jdbc.internal;
