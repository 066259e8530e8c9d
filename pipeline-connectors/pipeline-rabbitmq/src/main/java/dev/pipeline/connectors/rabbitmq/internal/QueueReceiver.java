package dev.pipeline.connectors.rabbitmq.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pipeline.connectors.rabbitmq.RabbitMessage;
import dev.pipeline.core.Settlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * Consumes a queue with manual acknowledgements and bridges the broker's push into a Flux.
 *
 * <p>The bound is the prefetch, not the demand: {@code basic.qos(prefetch)} makes the broker
 * stop delivering once {@code prefetch} messages are unacknowledged, so a buffer of
 * {@code prefetch} messages can never overflow, however slowly downstream requests. (Bridging
 * with an overflow strategy on demand alone fails at once: the broker may send up to the
 * prefetch before any demand.) A message is acknowledged when its settlement comes, on the
 * channel's thread ({@link SerialChannel}); cancel or failure closes the channel, and the
 * broker delivers again everything not acknowledged by then.
 */
public final class QueueReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(QueueReceiver.class);

    private QueueReceiver() {
    }

    /**
     * A received message and the callback that settles it (once).
     *
     * @param message the message
     * @param settle acknowledges it (or rejects it, for dead letters when asked to)
     */
    public record Received(RabbitMessage message, Consumer<Settlement> settle) {
    }

    /**
     * Consumes {@code queue}; cold: connects on subscribe, closes on complete, error, cancel.
     *
     * @param broker the broker
     * @param queue the queue (it must exist)
     * @param prefetch the most unacknowledged messages
     * @param rejectDeadLetters nack dead letters without requeue instead of acking them
     * @param unacked counts the messages delivered and not yet settled (a gauge for reports and tests)
     * @return the messages
     */
    public static Flux<Received> receive(Broker broker, String queue, int prefetch, boolean rejectDeadLetters,
            AtomicInteger unacked) {
        return receive(broker, queue, prefetch, rejectDeadLetters, unacked, null, Schedulers.parallel(), Mono.empty());
    }

    /**
     * {@link #receive(Broker, String, int, boolean, AtomicInteger)} that completes once no message
     * arrived for {@code idleTimeout} and none is unsettled.
     *
     * @param broker the broker
     * @param queue the queue
     * @param prefetch the most unacknowledged messages
     * @param rejectDeadLetters nack dead letters without requeue
     * @param unacked the gauge of unsettled messages
     * @param idleTimeout null: never complete
     * @param timer measures the idle time
     * @param runEnds completes when the run has ended (every item in flight settled, or the
     *     stop's grace ended): on cancel the channel stays open until then, so that the items
     *     in flight can still be acknowledged; {@code Mono.empty()} closes it at once
     * @return the messages
     */
    public static Flux<Received> receive(Broker broker, String queue, int prefetch, boolean rejectDeadLetters,
            AtomicInteger unacked, Duration idleTimeout, Scheduler timer, Mono<Void> runEnds) {
        String target = "queue '" + queue + "'";
        return Flux.defer(() -> {
            AtomicReference<String> consumerTag = new AtomicReference<>();
            return Flux.usingWhen(
                    SerialChannel.open(broker, "consume " + queue, target, prefetch + 16, ch -> {
                        ch.queueDeclarePassive(queue);
                        ch.basicQos(prefetch);
                    }),
                    channel -> Flux.defer(() -> {
                        AtomicLong lastActivity = new AtomicLong(timer.now(TimeUnit.MILLISECONDS));
                        Flux<Received> received = consume(channel, queue, prefetch, rejectDeadLetters, unacked, consumerTag,
                                () -> lastActivity.set(timer.now(TimeUnit.MILLISECONDS)));
                        if (idleTimeout == null) {
                            return received;
                        }
                        long idleMillis = idleTimeout.toMillis();
                        Duration tick = Duration.ofMillis(Math.max(10, Math.min(1000, idleMillis / 5)));
                        return received.takeUntilOther(Flux.interval(tick, timer)
                                .filter(t -> unacked.get() == 0 && timer.now(TimeUnit.MILLISECONDS) - lastActivity.get() >= idleMillis));
                    }),
                    SerialChannel::close,
                    (channel, error) -> channel.close(),
                    channel -> closeWhenTheRunEnds(channel, consumerTag, runEnds));
        });
    }

    /**
     * On cancel (a stop, or the run cut off): the broker stops delivering at once (the consumer
     * is cancelled), but the channel closes only once the run has ended, so that the items in
     * flight, which finish during the stop's grace, are still acknowledged instead of
     * redelivered. Deliveries that came after the cancel (never emitted) and items cut off
     * return to the queue when it closes. A failed run closes at once (nothing settles).
     */
    private static Mono<Void> closeWhenTheRunEnds(SerialChannel channel, AtomicReference<String> consumerTag, Mono<Void> runEnds) {
        channel.execute("cancel of the consumer", ch -> {
            String tag = consumerTag.get();
            if (tag != null) {
                ch.basicCancel(tag);
            }
        });
        return runEnds.onErrorResume(e -> Mono.empty()).then(Mono.defer(channel::close));
    }

    private static Flux<Received> consume(SerialChannel channel, String queue, int prefetch, boolean rejectDeadLetters,
            AtomicInteger unacked, AtomicReference<String> consumerTag, Runnable active) {
        Sinks.Many<Received> deliveries = Sinks.many().unicast().onBackpressureBuffer(Queues.<Received>get(prefetch).get());
        DefaultConsumer consumer = new DefaultConsumer(channel.channel()) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                RabbitMessage message = new RabbitMessage(queue, envelope.getExchange(), envelope.getRoutingKey(),
                        envelope.isRedeliver(), properties.getMessageId(), properties.getHeaders(), body);
                long deliveryTag = envelope.getDeliveryTag();
                active.run();
                unacked.incrementAndGet();
                Received received = new Received(message, once(settlement -> {
                    active.run();
                    unacked.decrementAndGet();
                    boolean reject = rejectDeadLetters && settlement == Settlement.DEAD_LETTERED;
                    channel.execute(reject ? "nack of delivery " + deliveryTag : "ack of delivery " + deliveryTag, ch -> {
                        if (reject) {
                            ch.basicNack(deliveryTag, false, false);
                        } else {
                            ch.basicAck(deliveryTag, false);
                        }
                    });
                }));
                Sinks.EmitResult result;
                synchronized (deliveries) {
                    result = deliveries.tryEmitNext(received);
                }
                if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
                    fail(channel.broker().error("more than prefetch " + prefetch + " unacknowledged deliveries arrived "
                            + "(does another consumer share this channel?)", channel.target(), null));
                }
                // FAIL_CANCELLED / FAIL_TERMINATED: the run is over; the close requeues this delivery
            }

            @Override
            public void handleCancel(String tag) {
                fail(channel.broker().error("the broker cancelled the consumer (was the queue deleted?)", channel.target(), null));
            }

            @Override
            public void handleShutdownSignal(String tag, ShutdownSignalException signal) {
                if (!signal.isInitiatedByApplication()) {
                    fail(channel.broker().error("lost the channel", channel.target(), signal));
                }
            }

            private void fail(Throwable error) {
                Sinks.EmitResult result;
                synchronized (deliveries) {
                    result = deliveries.tryEmitError(error);
                }
                if (result.isFailure()) {
                    // the run already ended (cancelled or failed): the channel is being closed anyway
                    LOG.debug("RabbitMQ {} {}: after the end of the run: {}", channel.broker(), channel.target(), error.getMessage());
                }
            }
        };
        return channel.call(() -> channel.channel().basicConsume(queue, false, consumer))
                .doOnSuccess(tag -> {
                    consumerTag.set(tag);
                    active.run();
                }) // the idle time counts from when the broker accepted the consumer
                .thenMany(deliveries.asFlux());
    }

    private static Consumer<Settlement> once(Consumer<Settlement> settle) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return settlement -> {
            if (done.compareAndSet(false, true)) {
                settle.accept(settlement);
            }
        };
    }
}
