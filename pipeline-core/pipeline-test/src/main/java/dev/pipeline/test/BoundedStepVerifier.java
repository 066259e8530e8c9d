package dev.pipeline.test;

import java.time.Duration;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.test.StepVerifier;

/**
 * A JUnit 5 extension that gives every {@code StepVerifier.verify()} without an explicit
 * duration a bound ({@link #DEFAULT}), so that a publisher that never terminates fails the test
 * instead of hanging it. Use it with {@code @ExtendWith(BoundedStepVerifier.class)}, or for
 * every test through JUnit's extension autodetection: a line
 * {@code dev.pipeline.test.BoundedStepVerifier} in
 * {@code src/test/resources/META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in
 * {@code junit-platform.properties}.
 */
public final class BoundedStepVerifier implements BeforeAllCallback {

    /** The default bound for a verify without an explicit timeout. */
    public static final Duration DEFAULT = Duration.ofSeconds(30);

    /** Creates the extension (JUnit does). */
    public BoundedStepVerifier() {
    }

    /**
     * Sets reactor-test's default verify timeout to {@link #DEFAULT}.
     *
     * @param context the test class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        StepVerifier.setDefaultTimeout(DEFAULT);
    }
}
