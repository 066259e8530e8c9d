package dev.pipeline.connectors.testing;

import java.time.Duration;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.test.StepVerifier;

/**
 * Gives every {@code StepVerifier.verify()} without an explicit duration a bound, so that a
 * publisher that never terminates fails the test instead of hanging it. Registered for all
 * tests through the ServiceLoader (junit-platform.properties enables autodetection).
 */
public final class BoundedStepVerifier implements BeforeAllCallback {

    /** The default bound for a verify without an explicit timeout. */
    public static final Duration DEFAULT = Duration.ofSeconds(30);

    @Override
    public void beforeAll(ExtensionContext context) {
        StepVerifier.setDefaultTimeout(DEFAULT);
    }
}
