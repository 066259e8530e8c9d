/**
 * Implementation details of the HTTP connectors. <strong>Not API:</strong> anything here may
 * change or disappear in any release; do not use it from application code.
 */
package dev.pipeline.connectors.http.internal;
