package dev.pipeline.connectors.internal;

import java.util.function.Consumer;

/**
 * The one copy mechanism of the connectors' options classes. An options class keeps its values
 * in a private subclass of this, a plain mutable holder that never escapes; each option method
 * copies the holder ({@link #with}), changes the copy, lets it check the fields that depend on
 * each other ({@link #check}), and wraps it in a new options value, which keeps it in a
 * {@code final} field and never changes it again (so the value is immutable and safely
 * published, like any object reached through a final field).
 *
 * <p>The copy is {@link Object#clone()}'s field-by-field copy: a field added later is copied
 * without a line to forget. Fields must hold immutable values (immutable collections, no
 * arrays). The defaults are the holder's field initializers.
 *
 * @param <F> the holder's own type
 */
public abstract class Fields<F extends Fields<F>> implements Cloneable {

    protected Fields() {
    }

    /**
     * A changed copy: this holder is left as it is.
     *
     * @param change sets one option on the copy
     * @return the checked copy
     * @throws IllegalArgumentException when the change leaves two options at odds
     */
    @SuppressWarnings("unchecked")
    public final F with(Consumer<? super F> change) {
        F copy;
        try {
            copy = (F) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError("Fields implements Cloneable", e);
        }
        change.accept(copy);
        copy.check();
        return copy;
    }

    /**
     * Checks the options that depend on each other, after every change, so that no options value
     * is ever inconsistent. The message names the options at odds and says what to do. Checks of
     * one option alone belong in its option method.
     *
     * @throws IllegalArgumentException when two options are at odds
     */
    protected void check() {
    }
}
