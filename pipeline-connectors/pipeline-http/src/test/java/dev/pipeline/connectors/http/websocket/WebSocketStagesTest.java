package dev.pipeline.connectors.http.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.pipeline.connectors.http.StreamingServer;
import dev.pipeline.core.Pipeline;
import dev.pipeline.core.Source;
import dev.pipeline.core.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class WebSocketStagesTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    final StreamingServer server = new StreamingServer();

    @AfterEach
    void stop() {
        server.close();
    }

    static Flux<WebSocketMessage> run(List<Integer> items, Stage<Integer, WebSocketMessage> stage) {
        return Pipeline.from(Source.fromIterable("in", items)).then(stage).toFlux();
    }

    @Test
    void emitsEachReplyInOrderAndClosesWhenDone() {
        server.ws("/upper", (in, out) -> out.sendString(in.receive().asString().map(s -> s.toUpperCase(java.util.Locale.ROOT))));
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        StepVerifier.create(run(items, WebSocketStages.request("upper", server.ws("/upper"),
                                (Integer i) -> WebSocketMessage.text("item " + i), WebSocketOptions.defaults().concurrency(8)))
                        .map(WebSocketMessage::text))
                .expectNextSequence(items.stream().map(i -> "ITEM " + i).toList())
                .verifyComplete();
        StepVerifier.create(server.closed()).expectNext(true).verifyComplete();
    }

    @Test
    void matchesRepliesByKeyWhateverTheirOrderAndSkipsPushes() {
        // answers each pair of requests in reverse order, with a push before each pair
        server.ws("/rpc", (in, out) -> out.sendString(in.receive().asString().buffer(2)
                .concatMap(pair -> Flux.just("push", "re " + pair.get(1), "re " + pair.get(0)))));
        Stage<Integer, WebSocketMessage> rpc = WebSocketStages.request("rpc", server.ws("/rpc"),
                (Integer i) -> WebSocketMessage.text(String.valueOf(i)), (Integer i) -> String.valueOf(i),
                reply -> reply.text().startsWith("re ") ? reply.text().substring(3) : null,
                WebSocketOptions.defaults().concurrency(2));
        List<Integer> items = IntStream.range(0, 50).boxed().toList();
        assertThat(run(items, rpc).map(WebSocketMessage::text).collectList().block(WAIT))
                .containsExactlyElementsOf(items.stream().map(i -> "re " + i).toList());
    }

    @Test
    void aServerThatClosesWithRequestsUnansweredFailsNamingTheUrl() {
        server.ws("/tired", (in, out) -> out.sendString(in.receive().asString().take(3).map(s -> "ok " + s))
                .then(out.sendClose(1001, "going away")));
        StepVerifier.create(run(IntStream.range(0, 10).boxed().toList(), WebSocketStages.request("t", server.ws("/tired"),
                        (Integer i) -> WebSocketMessage.text(String.valueOf(i)), WebSocketOptions.defaults().concurrency(1))))
                .expectNextCount(3)
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining(server.ws("/tired").toString())
                        .hasStackTraceContaining("request(s) unanswered"))
                .verify(WAIT);
    }

    @Test
    void aReplyThatTakesTooLongFailsNamingTheTimeoutAndTheItem() {
        server.ws("/mute", (in, out) -> in.receive().then());
        StepVerifier.create(run(List.of(42), WebSocketStages.request("m", server.ws("/mute"),
                        (Integer i) -> WebSocketMessage.text(String.valueOf(i)),
                        WebSocketOptions.defaults().responseTimeout(Duration.ofMillis(200)))))
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining(server.ws("/mute") + ": no reply within PT0.2S")
                        .hasStackTraceContaining("the request for 42"))
                .verify(WAIT);
        StepVerifier.create(server.closed()).expectNext(true).verifyComplete();
    }

    @Test
    void inOrderASlowReplyPastTheTimeoutFailsTheConnectionAndNoReplyIsMismatched() {
        // answers in order; the answer to "0" comes long after the timeout, those after it at once behind it
        server.ws("/slow-first", (in, out) -> out.sendString(in.receive().asString()
                .concatMap(s -> s.equals("0") ? Mono.just("re 0").delayElement(Duration.ofSeconds(5)) : Mono.just("re " + s))));
        List<WebSocketMessage> emitted = new java.util.concurrent.CopyOnWriteArrayList<>();
        StepVerifier.create(run(IntStream.range(0, 20).boxed().toList(), WebSocketStages.request("ask", server.ws("/slow-first"),
                        (Integer i) -> WebSocketMessage.text(String.valueOf(i)),
                        WebSocketOptions.defaults().concurrency(4).responseTimeout(Duration.ofMillis(200))))
                        .doOnNext(emitted::add))
                .expectErrorSatisfies(e -> assertThat(e)
                        .hasStackTraceContaining(server.ws("/slow-first") + ": no reply within PT0.2S")
                        // each request in flight has its own timer: the first to fire names its item
                        .hasStackTraceContaining("the request for ")
                        .hasStackTraceContaining("the connection is failed"))
                .verify(WAIT);
        assertThat(emitted).isEmpty();
        StepVerifier.create(server.closed()).expectNext(true).verifyComplete();
    }

    @Test
    void slowRepliesWithinTheTimeoutFollowedByFastOnesAreNeverMismatched() {
        // every 7th answer is slow; in order, the others wait behind it; by key, they overtake it
        server.ws("/in-order", (in, out) -> out.sendString(in.receive().asString()
                .concatMap(s -> Mono.just("re " + s).delayElement(Duration.ofMillis(Integer.parseInt(s) % 7 == 0 ? 40 : 0)))));
        server.ws("/keyed", (in, out) -> out.sendString(in.receive().asString()
                .flatMap(s -> Mono.just("re " + s).delayElement(Duration.ofMillis(Integer.parseInt(s) % 7 == 0 ? 40 : 0)))));
        List<Integer> items = IntStream.range(0, 150).boxed().toList();
        List<String> expected = items.stream().map(i -> "re " + i).toList();
        WebSocketOptions options = WebSocketOptions.defaults().concurrency(8).responseTimeout(Duration.ofSeconds(20));
        assertThat(run(items, WebSocketStages.request("ordered", server.ws("/in-order"),
                (Integer i) -> WebSocketMessage.text(String.valueOf(i)), options))
                .map(WebSocketMessage::text).collectList().block(WAIT)).containsExactlyElementsOf(expected);
        assertThat(run(items, WebSocketStages.request("keyed", server.ws("/keyed"),
                (Integer i) -> WebSocketMessage.text(String.valueOf(i)), (Integer i) -> "re " + i, WebSocketMessage::text, options))
                .map(WebSocketMessage::text).collectList().block(WAIT)).containsExactlyElementsOf(expected);
    }

    @Test
    void aReplyMatchingNoRequestFailsTheRun() {
        server.ws("/stray", (in, out) -> out.sendString(in.receive().asString().map(s -> "re unknown")));
        StepVerifier.create(run(List.of(1), WebSocketStages.request("s", server.ws("/stray"),
                        (Integer i) -> WebSocketMessage.text(String.valueOf(i)), (Integer i) -> String.valueOf(i),
                        reply -> reply.text().substring(3), WebSocketOptions.defaults())))
                .expectErrorSatisfies(e -> assertThat(e).hasStackTraceContaining("matches no request in flight"))
                .verify(WAIT);
    }

    @Test
    void noMoreThanConcurrencyRequestsAreInFlight() {
        java.util.concurrent.atomic.AtomicInteger unanswered = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        server.ws("/slow", (in, out) -> out.sendString(in.receive().asString()
                .doOnNext(s -> most.accumulateAndGet(unanswered.incrementAndGet(), Math::max))
                .concatMap(s -> Mono.just(s).delayElement(Duration.ofMillis(2)))
                .doOnNext(s -> unanswered.decrementAndGet())));
        assertThat(run(IntStream.range(0, 60).boxed().toList(), WebSocketStages.request("slow", server.ws("/slow"),
                (Integer i) -> WebSocketMessage.text(String.valueOf(i)), WebSocketOptions.defaults().concurrency(4)))
                .count().block(WAIT)).isEqualTo(60);
        assertThat(most.get()).isBetween(1, 4);
    }
}
