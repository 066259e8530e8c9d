package dev.pipeline.core.aio.internal;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
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
 */
public final class TaskRegistry {

    private static final Stripe[] STRIPES = newStripes();
    private static final ReferenceQueue<Task<?>> COLLECTED = new ReferenceQueue<>();
    /** How many collected entries one registration unlinks at most. */
    private static final int EXPUNGE_BATCH = 4;

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

    /** Registers a task that is about to start; unregister it when it is done. */
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
