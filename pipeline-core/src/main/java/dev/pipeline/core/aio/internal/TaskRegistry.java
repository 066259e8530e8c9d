package dev.pipeline.core.aio.internal;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import dev.pipeline.core.aio.Task;

/**
 * The tasks not yet done, for {@code Tasks.allTasks()}: asyncio keeps them in a
 * {@code WeakSet}, and so does this, so a pending task that nothing can reach any more (it
 * awaits an event nobody can set) is still garbage, as it was before there was a registry.
 *
 * <p>Registering and unregistering a task lock one of a few stripes, chosen at random, so that
 * tasks created and finished on many threads at once do not contend on one lock; each is O(1)
 * (an intrusive list). An entry whose task was collected while pending is unlinked by a later
 * registration, a few at a time, or by a snapshot.
 *
 * <p>A task registers only if it is still running once its first, synchronous step has
 * returned: most tasks that end at once never pay for an entry. While that step runs, the task
 * is on its thread's {@linkplain #starting() starting stack}, which a snapshot taken on that
 * thread includes, so a coroutine that lists the tasks sees itself.
 */
public final class TaskRegistry {

    private static final Stripe[] STRIPES = newStripes();
    private static final ReferenceQueue<Task<?>> COLLECTED = new ReferenceQueue<>();
    /** How many collected entries one registration unlinks at most. */
    private static final int EXPUNGE_BATCH = 4;
    private static final ThreadLocal<Starting> STARTING = ThreadLocal.withInitial(Starting::new);

    private TaskRegistry() {
    }

    /** A registration: a weak reference to the task, linked into one stripe. */
    public static final class Entry extends WeakReference<Task<?>> {
        private final Stripe stripe;
        private Entry prev;
        private Entry next;
        private boolean linked;

        Entry(Task<?> task, Stripe stripe) {
            super(task, COLLECTED);
            this.stripe = stripe;
        }
    }

    private static final class Stripe {
        private Entry head;

        synchronized void link(Entry e) {
            e.next = head;
            if (head != null) {
                head.prev = e;
            }
            head = e;
            e.linked = true;
        }

        synchronized void unlink(Entry e) {
            if (!e.linked) {
                return;
            }
            if (e.prev == null) {
                head = e.next;
            } else {
                e.prev.next = e.next;
            }
            if (e.next != null) {
                e.next.prev = e.prev;
            }
            e.prev = null;
            e.next = null;
            e.linked = false;
        }

        synchronized void collect(Set<Task<?>> into) {
            for (Entry e = head; e != null; ) {
                Entry n = e.next;
                Task<?> t = e.get();
                if (t == null) {
                    unlink(e);
                } else if (!t.isDone()) {
                    into.add(t);
                }
                e = n;
            }
        }
    }

    /** The tasks whose first step is running on this thread, innermost last. */
    public static final class Starting {
        private Task<?>[] stack = new Task<?>[4];
        private int size;

        public void push(Task<?> t) {
            if (size == stack.length) {
                stack = Arrays.copyOf(stack, size * 2);
            }
            stack[size++] = t;
        }

        public void pop() {
            stack[--size] = null;
        }

        void collect(Set<Task<?>> into) {
            for (int i = 0; i < size; i++) {
                if (!stack[i].isDone()) {
                    into.add(stack[i]);
                }
            }
        }
    }

    /** This thread's starting stack. */
    public static Starting starting() {
        return STARTING.get();
    }

    /** Registers a task still running after its first step; unregister it when it is done. */
    public static Entry register(Task<?> task) {
        expunge();
        Stripe s = STRIPES[ThreadLocalRandom.current().nextInt(STRIPES.length)];
        Entry e = new Entry(task, s);
        s.link(e);
        return e;
    }

    public static void unregister(Entry e) {
        e.stripe.unlink(e);
    }

    /** A snapshot of the tasks registered and not done. */
    public static Set<Task<?>> running() {
        Set<Task<?>> all = new LinkedHashSet<>();
        for (Stripe s : STRIPES) {
            s.collect(all);
        }
        STARTING.get().collect(all);
        return all;
    }

    private static void expunge() {
        Reference<? extends Task<?>> r;
        for (int i = 0; i < EXPUNGE_BATCH && (r = COLLECTED.poll()) != null; i++) {
            Entry e = (Entry) r;
            e.stripe.unlink(e);
        }
    }

    private static Stripe[] newStripes() {
        Stripe[] stripes = new Stripe[Math.min(64, 2 * Runtime.getRuntime().availableProcessors())];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe();
        }
        return stripes;
    }
}
