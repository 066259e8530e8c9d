package dev.pipeline.core.internal;

/** Short, safe renderings of items for error messages and logs. */
public final class Items {

    /** The most characters of an item shown in a message. */
    public static final int MAX = 120;

    private Items() {
    }

    /** {@code String.valueOf(item)}, cut to {@value #MAX} characters; never throws. */
    public static String describe(Object item) {
        String s;
        try {
            s = String.valueOf(item);
        } catch (RuntimeException e) {
            s = item.getClass().getName() + " (toString() threw " + e.getClass().getSimpleName() + ")";
        }
        if (s.length() > MAX) {
            return s.substring(0, MAX) + "... (" + s.length() + " chars)";
        }
        return s;
    }
}
