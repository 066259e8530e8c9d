package dev.pipeline.core.aio.internal;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Where a queue keeps its items: first-in-first-out, last-in-first-out or by priority. Not
 * thread-safe; the queue guards it.
 *
 * @param <T> the item type
 */
public interface ItemStore<T> {

    void add(T item);

    /** Puts back an item that was taken but not delivered, so that it is taken next. */
    void putBack(T item);

    T poll();

    int size();

    void clear();

    /** The order name shown in toString(). */
    String kind();

    static <T> ItemStore<T> fifo(int capacity) {
        return new Fifo<>(capacity);
    }

    static <T> ItemStore<T> lifo(int capacity) {
        return new Lifo<>(capacity);
    }

    static <T> ItemStore<T> priority(int capacity, Comparator<? super T> comparator) {
        return new Priority<>(capacity, comparator);
    }

    /** Initial array size: enough for small queues, grown on demand for large ones. */
    private static int initial(int capacity) {
        return Math.min(capacity, 1024);
    }

    final class Fifo<T> implements ItemStore<T> {
        private final ArrayDeque<T> items;

        Fifo(int capacity) {
            items = new ArrayDeque<>(initial(capacity));
        }

        @Override
        public void add(T item) {
            items.addLast(item);
        }

        @Override
        public void putBack(T item) {
            items.addFirst(item);
        }

        @Override
        public T poll() {
            return items.pollFirst();
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public void clear() {
            items.clear();
        }

        @Override
        public String kind() {
            return "fifo";
        }
    }

    final class Lifo<T> implements ItemStore<T> {
        private final ArrayDeque<T> items;

        Lifo(int capacity) {
            items = new ArrayDeque<>(initial(capacity));
        }

        @Override
        public void add(T item) {
            items.addFirst(item);
        }

        @Override
        public void putBack(T item) {
            items.addFirst(item);
        }

        @Override
        public T poll() {
            return items.pollFirst();
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public void clear() {
            items.clear();
        }

        @Override
        public String kind() {
            return "lifo";
        }
    }

    final class Priority<T> implements ItemStore<T> {
        private final PriorityQueue<T> items;

        Priority(int capacity, Comparator<? super T> comparator) {
            items = new PriorityQueue<>(Math.max(1, initial(capacity)), comparator);
        }

        @Override
        public void add(T item) {
            items.add(item);
        }

        @Override
        public void putBack(T item) {
            items.add(item);
        }

        @Override
        public T poll() {
            return items.poll();
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public void clear() {
            items.clear();
        }

        @Override
        public String kind() {
            return "priority";
        }
    }
}
