package dev.pipeline.test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.pipeline.core.Source;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contracts pass for a well-behaved source and sink, and catch the ones that break them. */
class ContractsTest {

    /** A source of five numbers that counts the subscriptions it holds open. */
    static final class Counted {
        final AtomicInteger open = new AtomicInteger();

        Flux<Integer> flux() {
            return Flux.defer(() -> {
                open.incrementAndGet();
                return Source.fromIterable("n", List.of(1, 2, 3, 4, 5)).flux().doFinally(s -> open.decrementAndGet());
            });
        }
    }

    // tag::sourceContract[]
    @Nested
    class AWellBehavedSource implements SourceContract<Integer> {
        final Counted counted = new Counted();

        @Override
        public Flux<Integer> subject() {
            return counted.flux();
        }

        @Override
        public Flux<Integer> failingSubject() {
            return counted.flux().concatWith(Flux.error(new IllegalStateException("gone")));
        }

        @Override
        public Mono<Boolean> released() {
            return Mono.fromSupplier(() -> counted.open.get() == 0);
        }
    }
    // end::sourceContract[]

    // tag::sinkContract[]
    @Nested
    class AWellBehavedSink implements SinkContract<Integer> {
        final AtomicInteger open = new AtomicInteger();

        @Override
        public Function<Flux<Integer>, Mono<?>> sink() {
            return items -> Mono.defer(() -> {
                open.incrementAndGet();
                return items.limitRate(16).then().doFinally(s -> open.decrementAndGet());
            });
        }

        @Override
        public Integer item(int i) {
            return i;
        }

        @Override
        public Mono<Boolean> released() {
            return Mono.fromSupplier(() -> open.get() == 0);
        }

        @Override
        public long maxOutstandingDemand() {
            return 16;
        }
    }
    // end::sinkContract[]

    @Test
    void aSourceThatEmitsAheadOfDemandIsCaught() {
        Publisher<Integer> greedy = s -> s.onSubscribe(new Subscription() {
            boolean done;

            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                done = true;
            }

            {
                // emits as soon as it is subscribed, whatever was requested
                s.onNext(1);
            }
        });
        SourceContract<Integer> contract = new SourceContract<>() {
            @Override
            public Flux<Integer> subject() {
                return Flux.from(greedy);
            }

            @Override
            public Flux<Integer> failingSubject() {
                return Flux.error(new IllegalStateException("x"));
            }

            @Override
            public Mono<Boolean> released() {
                return Mono.just(true);
            }
        };
        assertThatThrownBy(contract::aDemandOfOneIsHonoured).isInstanceOf(AssertionError.class);
    }

    @Test
    void aSourceThatKeepsItsResourceAfterCancelIsCaught() {
        SourceContract<Integer> leaky = new SourceContract<>() {
            @Override
            public Flux<Integer> subject() {
                return Flux.range(1, 5);
            }

            @Override
            public Flux<Integer> failingSubject() {
                return Flux.error(new IllegalStateException("x"));
            }

            @Override
            public Mono<Boolean> released() {
                return Mono.just(false);
            }
        };
        assertThatThrownBy(leaky::cancelReleasesTheResource).isInstanceOf(AssertionError.class);
    }

    @Test
    void aSinkThatRequestsUnboundedlyIsCaught() {
        SinkContract<Integer> unbounded = new SinkContract<>() {
            @Override
            public Function<Flux<Integer>, Mono<?>> sink() {
                return Flux::then;
            }

            @Override
            public Integer item(int i) {
                return i;
            }

            @Override
            public Mono<Boolean> released() {
                return Mono.just(true);
            }

            @Override
            public long maxOutstandingDemand() {
                return 16;
            }
        };
        assertThatThrownBy(unbounded::demandIsBounded).isInstanceOf(AssertionError.class).hasMessageContaining("never an unbounded request");
    }
}
