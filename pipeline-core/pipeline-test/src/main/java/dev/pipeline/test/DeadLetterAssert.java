package dev.pipeline.test;

import java.util.Objects;

import dev.pipeline.core.DeadLetter;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.Assertions;

/**
 * AssertJ assertions on one {@link DeadLetter}: its stage, item, error and attempts.
 *
 * <pre>{@code
 * assertThat(report).deadLetters("rejected").letterOf("sku-7")
 *         .fromStage("price").hasAttempts(3).error().hasMessageContaining("503");
 * }</pre>
 */
public final class DeadLetterAssert extends AbstractAssert<DeadLetterAssert, DeadLetter<?>> {

    DeadLetterAssert(DeadLetter<?> actual) {
        super(actual, DeadLetterAssert.class);
    }

    /**
     * Verifies the stage that gave up.
     *
     * @param stage the stage's name
     * @return this
     */
    public DeadLetterAssert fromStage(String stage) {
        isNotNull();
        if (!actual.stage().equals(stage)) {
            failWithMessage("expected the dead letter of %s to come from stage '%s' but it comes from '%s'", actual.item(), stage,
                    actual.stage());
        }
        return this;
    }

    /**
     * Verifies the original item.
     *
     * @param item the expected item
     * @return this
     */
    public DeadLetterAssert hasItem(Object item) {
        isNotNull();
        if (!Objects.equals(actual.item(), item)) {
            failWithMessage("expected the dead letter's item to be %s but it is %s", item, actual.item());
        }
        return this;
    }

    /**
     * Verifies the attempts made, the first one included.
     *
     * @param attempts the expected attempts
     * @return this
     */
    public DeadLetterAssert hasAttempts(int attempts) {
        isNotNull();
        if (actual.attempts() != attempts) {
            failWithMessage("expected the dead letter of %s to have %d attempts but it has %d", actual.item(), attempts, actual.attempts());
        }
        return this;
    }

    /**
     * AssertJ assertions on the error the stage gave up with.
     *
     * @return a throwable assertion
     */
    public AbstractThrowableAssert<?, ? extends Throwable> error() {
        isNotNull();
        return Assertions.assertThat(actual.error()).as("error of the dead letter of %s from '%s'", actual.item(), actual.stage());
    }
}
