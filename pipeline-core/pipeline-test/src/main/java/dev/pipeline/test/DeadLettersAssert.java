package dev.pipeline.test;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.pipeline.core.DeadLetter;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on the dead letters a run collected: how many, from which stage, which
 * items, caused by what, after how many attempts. Made by {@link ReportAssert#deadLetters}.
 *
 * <pre>{@code
 * assertThat(report).deadLetters("rejected")
 *         .hasSize(2).allFromStage("price").allCausedBy(HttpStatusException.class).allWithAttempts(3)
 *         .containItems("sku-7", "sku-9");
 * }</pre>
 */
public final class DeadLettersAssert extends AbstractAssert<DeadLettersAssert, List<DeadLetter<?>>> {

    private final ReportAssert report;

    DeadLettersAssert(List<DeadLetter<?>> actual, ReportAssert report) {
        super(List.copyOf(actual), DeadLettersAssert.class);
        this.report = report;
    }

    /**
     * Verifies how many dead letters there are.
     *
     * @param n the expected count
     * @return this
     */
    public DeadLettersAssert hasSize(int n) {
        isNotNull();
        if (actual.size() != n) {
            failWithMessage("expected %d dead letters but there are %d: %s", n, actual.size(), describe());
        }
        return this;
    }

    /**
     * Verifies that there are none.
     *
     * @return this
     */
    public DeadLettersAssert isEmpty() {
        return hasSize(0);
    }

    /**
     * Verifies that every dead letter comes from {@code stage}.
     *
     * @param stage the stage that gave up
     * @return this
     */
    public DeadLettersAssert allFromStage(String stage) {
        isNotNull();
        for (DeadLetter<?> d : actual) {
            if (!d.stage().equals(stage)) {
                failWithMessage("expected every dead letter to come from stage '%s' but one comes from '%s': %s", stage, d.stage(),
                        describe());
            }
        }
        return this;
    }

    /**
     * Verifies that every error is an instance of {@code type} (the error as the stage gave
     * up with it, unwrapped from retry exhaustion).
     *
     * @param type the error's type
     * @return this
     */
    public DeadLettersAssert allCausedBy(Class<? extends Throwable> type) {
        isNotNull();
        for (DeadLetter<?> d : actual) {
            if (!type.isInstance(d.error())) {
                failWithMessage("expected every dead letter's error to be a %s but the one of %s is %s", type.getName(), d.item(),
                        d.error());
            }
        }
        return this;
    }

    /**
     * Verifies that every error's message contains {@code text}.
     *
     * @param text the expected part of the message
     * @return this
     */
    public DeadLettersAssert allWithMessageContaining(String text) {
        isNotNull();
        for (DeadLetter<?> d : actual) {
            if (d.error().getMessage() == null || !d.error().getMessage().contains(text)) {
                failWithMessage("expected every dead letter's error message to contain '%s' but the one of %s is %s", text, d.item(),
                        d.error());
            }
        }
        return this;
    }

    /**
     * Verifies that every item was tried {@code attempts} times (the first attempt included).
     *
     * @param attempts the expected attempts
     * @return this
     */
    public DeadLettersAssert allWithAttempts(int attempts) {
        isNotNull();
        for (DeadLetter<?> d : actual) {
            if (d.attempts() != attempts) {
                failWithMessage("expected every dead letter to have %d attempts but %s has %d", attempts, d.item(), d.attempts());
            }
        }
        return this;
    }

    /**
     * Verifies the dead letters' items, in any order.
     *
     * @param items the original items
     * @return this
     */
    public DeadLettersAssert containItems(Object... items) {
        isNotNull();
        List<Object> actualItems = actual.stream().map(d -> (Object) d.item()).toList();
        List<Object> expected = Arrays.asList(items);
        boolean same = actualItems.size() == expected.size() && actualItems.containsAll(expected) && expected.containsAll(actualItems);
        if (!same) {
            failWithMessage("expected the dead letters' items to be %s (in any order) but they are %s", expected, actualItems);
        }
        return this;
    }

    /**
     * Assertions on the dead letter of {@code item}.
     *
     * @param item the original item
     * @return its assertions
     */
    public DeadLetterAssert letterOf(Object item) {
        isNotNull();
        for (DeadLetter<?> d : actual) {
            if (Objects.equals(d.item(), item)) {
                return new DeadLetterAssert(d);
            }
        }
        throw failure("expected a dead letter of %s but there are only %s", item, describe());
    }

    /**
     * Returns to the report's assertions.
     *
     * @return the report's assertions
     */
    public ReportAssert and() {
        return report;
    }

    private String describe() {
        return actual.stream().map(d -> d.stage() + ": " + d.item() + " (" + d.error() + ", " + d.attempts() + " attempts)").toList().toString();
    }
}
