package dev.pipeline.core.aio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code result()}, {@code exception()} and done-callback parts of CPython's
 * {@code Lib/test/test_asyncio/test_futures.py} ({@code BaseFutureTests} and
 * {@code BaseFutureDoneCallbackTests}), ported to {@link AsyncFuture}. {@code InvalidStateError}
 * is an {@link IllegalStateException} here, {@code CancelledError} a {@link CancellationException}.
 * CPython's tests call {@code run_briefly()} to let the loop run the callbacks; here they run on
 * the thread that completes the future, so the bag is filled when {@code setResult} returns.
 *
 * <p>Not ported, for want of a counterpart: loops and constructors ({@code test_constructor_*},
 * {@code test_uninitialized}, {@code test_isfuture}, {@code test_generic_alias}), cancel messages,
 * {@code repr}, {@code StopIteration}, {@code yield from}, {@code _copy_state}, tracebacks and
 * logging of unretrieved exceptions, and the tests of the C implementation's memory safety
 * ({@code test_evil_call_soon_list_mutation}, {@code test_use_after_free_*},
 * {@code test_callbacks_copy}, {@code test_future_del_segfault}).
 */
class CPythonFuturesPortTest extends CPythonPort {

    /** {@code _make_callback(bag, thing)}. */
    static Consumer<AsyncFuture<String>> appender(List<Object> bag, Object thing) {
        return f -> bag.add(thing);
    }

    /** {@code cb1}, {@code cb2}, {@code cb3} appending 42, 17 and 100, added to {@code f} in that order. */
    static List<Consumer<AsyncFuture<String>>> threeCallbacks(AsyncFuture<String> f, List<Object> bag) {
        List<Consumer<AsyncFuture<String>>> cbs = List.of(appender(bag, 42), appender(bag, 17), appender(bag, 100));
        cbs.forEach(f::addDoneCallback);
        return cbs;
    }

    @Test // CPython: test_futures.py BaseFutureTests.test_cancel
    void aCancelledFutureAnswersWithCancellationAndCannotBeSet() {
        AsyncFuture<String> f = AsyncFuture.create();
        assertThat(f.cancel()).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThat(f.isDone()).isTrue();
        assertThatThrownBy(f::result).isInstanceOf(CancellationException.class);
        assertThatThrownBy(f::exception).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> f.setResult(null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.setException(new IllegalStateException())).isInstanceOf(IllegalStateException.class);
        assertThat(f.cancel()).isFalse();
    }

    @Test // CPython: test_futures.py BaseFutureTests.test_result
    void aResultIsThereWithoutAnException() {
        AsyncFuture<Integer> f = AsyncFuture.create();
        assertThatThrownBy(f::result).isInstanceOf(IllegalStateException.class);
        f.setResult(42);
        assertThat(f.isCancelled()).isFalse();
        assertThat(f.isDone()).isTrue();
        assertThat(f.result()).isEqualTo(42);
        assertThat(f.exception()).isEmpty();
        assertThatThrownBy(() -> f.setResult(null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.setException(new IllegalStateException())).isInstanceOf(IllegalStateException.class);
        assertThat(f.cancel()).isFalse();
    }

    @Test // CPython: test_futures.py BaseFutureTests.test_exception
    void anExceptionIsRaisedByResultAndReturnedByException() {
        IllegalStateException exc = new IllegalStateException();
        AsyncFuture<Integer> f = AsyncFuture.create();
        assertThatThrownBy(f::exception).isInstanceOf(IllegalStateException.class).hasMessageContaining("pending");
        f.setException(exc);
        assertThat(f.isCancelled()).isFalse();
        assertThat(f.isDone()).isTrue();
        assertThatThrownBy(f::result).isSameAs(exc);
        assertThat(f.exception()).containsSame(exc);
        assertThatThrownBy(() -> f.setResult(null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.setException(new IllegalStateException())).isInstanceOf(IllegalStateException.class);
        assertThat(f.cancel()).isFalse();
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_callbacks_remove_first_callback
    void removingTheFirstCallbackRunsTheOthers() {
        List<Object> bag = new ArrayList<>();
        AsyncFuture<String> f = AsyncFuture.create();
        List<Consumer<AsyncFuture<String>>> cb = threeCallbacks(f, bag);
        f.removeDoneCallback(cb.get(0));
        f.removeDoneCallback(cb.get(0));
        assertThat(bag).isEmpty();
        f.setResult("foo");
        assertThat(bag).containsExactly(17, 100);
        assertThat(f.result()).isEqualTo("foo");
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_callbacks_remove_first_and_second_callback
    void removingTheFirstTwoCallbacksRunsTheThird() {
        List<Object> bag = new ArrayList<>();
        AsyncFuture<String> f = AsyncFuture.create();
        List<Consumer<AsyncFuture<String>>> cb = threeCallbacks(f, bag);
        f.removeDoneCallback(cb.get(0));
        f.removeDoneCallback(cb.get(1));
        f.removeDoneCallback(cb.get(0));
        assertThat(bag).isEmpty();
        f.setResult("foo");
        assertThat(bag).containsExactly(100);
        assertThat(f.result()).isEqualTo("foo");
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_callbacks_remove_third_callback
    void removingTheLastCallbackRunsTheFirstTwo() {
        List<Object> bag = new ArrayList<>();
        AsyncFuture<String> f = AsyncFuture.create();
        List<Consumer<AsyncFuture<String>>> cb = threeCallbacks(f, bag);
        f.removeDoneCallback(cb.get(2));
        f.removeDoneCallback(cb.get(2));
        assertThat(bag).isEmpty();
        f.setResult("foo");
        assertThat(bag).containsExactly(42, 17);
        assertThat(f.result()).isEqualTo("foo");
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_result
    void callbacksRunInOrderWhenAResultIsSet() {
        List<Object> bag = new ArrayList<>();
        AsyncFuture<String> f = AsyncFuture.create();
        f.addDoneCallback(appender(bag, 42));
        f.addDoneCallback(appender(bag, 17));
        assertThat(bag).isEmpty();
        f.setResult("foo");
        assertThat(bag).containsExactly(42, 17);
        assertThat(f.result()).isEqualTo("foo");
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_exception
    void callbacksRunWhenAnExceptionIsSet() {
        List<Object> bag = new ArrayList<>();
        AsyncFuture<String> f = AsyncFuture.create();
        f.addDoneCallback(appender(bag, 100));
        assertThat(bag).isEmpty();
        IllegalStateException exc = new IllegalStateException();
        f.setException(exc);
        assertThat(bag).containsExactly(100);
        assertThat(f.exception()).containsSame(exc);
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_remove_done_callback
    void removeCountsEveryRegistrationOfTheCallback() {
        List<Object> bag = new ArrayList<>();
        AsyncFuture<String> f = AsyncFuture.create();
        Consumer<AsyncFuture<String>> cb1 = appender(bag, 1);
        Consumer<AsyncFuture<String>> cb2 = appender(bag, 2);
        Consumer<AsyncFuture<String>> cb3 = appender(bag, 3);   // never added
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        assertThat(f.removeDoneCallback(cb2)).isEqualTo(1);
        assertThat(f.removeDoneCallback(cb3)).isZero();
        f.addDoneCallback(cb2);
        for (int i = 0; i < 5; i++) {
            f.addDoneCallback(cb1);
        }
        assertThat(f.removeDoneCallback(cb1)).isEqualTo(6);
        assertThat(bag).isEmpty();
        f.setResult("foo");
        assertThat(bag).containsExactly(2);
        assertThat(f.result()).isEqualTo("foo");
    }

    /** A callback whose {@code equals} runs code, as the {@code evil} classes of the next tests do. */
    abstract static class Evil implements Consumer<AsyncFuture<String>> {
        @Override
        public void accept(AsyncFuture<String> f) {
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_remove_done_callbacks_list_mutation (bpo-28963)
    void anEqualsThatRemovesCallbacksDuringARemovalIsSafe() {
        AsyncFuture<String> fut = AsyncFuture.create();
        List<Object> bag = new ArrayList<>();
        Consumer<AsyncFuture<String>> str = appender(bag, "str");
        Consumer<AsyncFuture<String>> id = appender(bag, "id");
        fut.addDoneCallback(str);
        for (int i = 0; i < 63; i++) {
            fut.addDoneCallback(id);
        }
        Evil evil = new Evil() {
            @Override
            public boolean equals(Object other) {
                fut.removeDoneCallback(id);
                return false;
            }
        };
        assertThat(fut.removeDoneCallback(evil)).isZero();
        fut.setResult("x");
        assertThat(bag).containsExactly("str");
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_remove_done_callbacks_list_clear (gh-97592)
    void anEqualsThatRemovesTheCallbackComparedWithIsSafe() {
        AsyncFuture<String> fut = AsyncFuture.create();
        List<Object> bag = new ArrayList<>();
        fut.addDoneCallback(appender(bag, "str"));
        for (int i = 0; i < 63; i++) {
            fut.addDoneCallback(appender(bag, "id"));
        }
        Evil evil = new Evil() {
            @Override
            @SuppressWarnings("unchecked")
            public boolean equals(Object other) {
                fut.removeDoneCallback((Consumer<AsyncFuture<String>>) other);
                return false;
            }
        };
        assertThat(fut.removeDoneCallback(evil)).isZero();
        fut.setResult("x");
        assertThat(bag).isEmpty();
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_schedule_callbacks_list_mutation_1 (bpo-28963)
    void aCallbackRemovingTheNextOnesOnceTheyAreWokenChangesNothing() {
        AsyncFuture<String> fut = AsyncFuture.create();
        List<Object> bag = new ArrayList<>();
        Consumer<AsyncFuture<String>> str = appender(bag, "str");
        List<Integer> removed = new ArrayList<>();
        fut.addDoneCallback(f -> removed.add(f.removeDoneCallback(str)));
        fut.addDoneCallback(str);
        fut.addDoneCallback(str);
        fut.setResult("1");
        assertThat(removed).containsExactly(0);
        assertThat(bag).containsExactly("str", "str");
    }

    @Test // CPython: test_futures.py BaseFutureDoneCallbackTests.test_schedule_callbacks_list_mutation_2 (bpo-30828)
    void anEqualsThatAddsCallbacksDuringARemovalIsSafe() {
        AsyncFuture<String> fut = AsyncFuture.create();
        List<Object> bag = new ArrayList<>();
        Consumer<AsyncFuture<String>> id = appender(bag, "id");
        fut.addDoneCallback(appender(bag, "str"));
        for (int i = 0; i < 63; i++) {
            fut.addDoneCallback(id);
        }
        int[] extra = {0};
        Evil evil = new Evil() {
            @Override
            public boolean equals(Object other) {
                if (++extra[0] < 100) {
                    fut.addDoneCallback(id);
                }
                return false;
            }
        };
        assertThat(fut.removeDoneCallback(evil)).isZero();
        fut.setResult("x");
        assertThat(bag).hasSize(1 + 63 + 64);   // the snapshot compared 64 callbacks, adding one each
    }
}
