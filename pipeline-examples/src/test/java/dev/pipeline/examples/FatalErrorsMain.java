package dev.pipeline.examples;

import java.util.concurrent.CountDownLatch;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A program that hits a StackOverflowError where its argument says, for {@link FatalErrorsTest}:
 * {@code main} (the main thread), {@code reactor} (a Reactor worker, inside an operator) or
 * {@code thread} (a plain thread of its own). It would wait forever if nothing ended it.
 */
public final class FatalErrorsMain {

    private FatalErrorsMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        FatalErrors.install();
        FatalErrors.during("fatal-test", "a hint for the user", () -> System.out.println("cleaned up"));
        switch (args[0]) {
            case "main":
                deeper(0);
                break;
            case "reactor":
                Mono.fromCallable(() -> deeper(0)).subscribeOn(Schedulers.parallel()).subscribe(n -> { }, e -> { });
                break;
            default:
                new Thread(() -> deeper(0), "worker").start();
        }
        new CountDownLatch(1).await(); // only a halt ends this
    }

    private static int deeper(int depth) {
        return deeper(depth + 1) + 1;
    }
}
