package dev.pipeline.connectors.rabbitmq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.pipeline.connectors.testing.Services;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The RabbitMQ service for the tests (127.0.0.1:5672, guest/guest): skips (or fails, with
 * PIPELINE_REQUIRE_SERVICES=1) when it is not reachable; declares queues with unique names and
 * deletes them on {@link #close}.
 */
public final class TestBroker implements AutoCloseable {

    /** The broker's URI. */
    public static final String URI = "amqp://guest:guest@127.0.0.1:5672/%2F";

    private final Connection connection;
    private final Channel channel;
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    private TestBroker() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(URI);
        connection = f.newConnection("test-admin");
        channel = connection.createChannel();
    }

    /** Connects, or skips the test with the reason when RabbitMQ is not there. */
    public static TestBroker open() {
        Services.require("RabbitMQ", "127.0.0.1", 5672);
        try {
            return new TestBroker();
        } catch (Exception e) {
            throw new AssertionError("RabbitMQ at 127.0.0.1:5672 accepts TCP but not guest/guest: " + e, e);
        }
    }

    /** A new durable queue named {@code test-<prefix>-<uuid>}. */
    public synchronized String queue(String prefix) {
        return queue(prefix, Map.of());
    }

    /** A new durable queue with arguments (such as {@code x-dead-letter-exchange}). */
    public synchronized String queue(String prefix, Map<String, Object> arguments) {
        String name = "test-" + prefix + "-" + UUID.randomUUID();
        try {
            channel.queueDeclare(name, true, false, false, arguments);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        queues.add(name);
        return name;
    }

    /** A fanout exchange bound to a new queue: {@code [exchange, queue]}. */
    public synchronized String[] deadLetterExchange(String prefix) {
        String exchange = "test-" + prefix + "-dlx-" + UUID.randomUUID();
        try {
            channel.exchangeDeclare(exchange, "fanout", false, true, null);
            exchanges.add(exchange);
            String dead = queue(prefix + "-dead");
            channel.queueBind(dead, exchange, "");
            return new String[] {exchange, dead};
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Publishes {@code "m0".."m(n-1)"} to {@code queue} and waits for the confirms. */
    public synchronized void publish(String queue, int n) {
        try {
            channel.confirmSelect();
            for (int i = 0; i < n; i++) {
                channel.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Messages ready in the queue. */
    public synchronized long ready(String queue) {
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Takes one message (acked), or null. */
    public synchronized String get(String queue) {
        try {
            GetResponse r = channel.basicGet(queue, true);
            return r == null ? null : new String(r.getBody(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Consumers on the queue. */
    public synchronized long consumers(String queue) {
        try {
            return channel.queueDeclarePassive(queue).getConsumerCount();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Whether every connection and channel thread the connectors opened in this JVM is gone:
     * the client runs one {@code AMQP Connection} thread per open connection (this fixture's
     * own is the one left), and each connector channel has a {@code rabbitmq-...} thread.
     */
    public static boolean connectorsClosed() {
        long amqp = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("AMQP Connection")) {
                amqp++;
            }
            if (t.isAlive() && t.getName().startsWith("rabbitmq-")) {
                return false;
            }
        }
        return amqp <= 1;
    }

    /** Completes with true once {@code condition} holds, polled (on boundedElastic) for up to 20 s. */
    public static Mono<Boolean> eventually(java.util.function.BooleanSupplier condition) {
        return Mono.fromCallable(condition::getAsBoolean).subscribeOn(Schedulers.boundedElastic())
                .filter(Boolean::booleanValue)
                .repeatWhenEmpty(200, f -> f.delayElements(Duration.ofMillis(100)))
                .defaultIfEmpty(false);
    }

    @Override
    public synchronized void close() {
        try {
            for (String q : queues) {
                channel.queueDelete(q);
            }
            for (String x : exchanges) {
                channel.exchangeDelete(x);
            }
            connection.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
