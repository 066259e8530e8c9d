package dev.pipeline.connectors.rabbitmq;

import java.util.List;
import java.util.function.Function;

import dev.pipeline.connectors.internal.Require;
import dev.pipeline.connectors.rabbitmq.internal.Broker;
import dev.pipeline.connectors.rabbitmq.internal.ConfirmedPublisher;
import dev.pipeline.connectors.rabbitmq.internal.SerialChannel;
import dev.pipeline.core.Sink;
import dev.pipeline.core.StageContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * RabbitMQ sinks: publishing with publisher confirms, so that an item counts as stored only
 * once the broker has taken responsibility for it.
 */
public final class RabbitSinks {

    private RabbitSinks() {
    }

    /**
     * A sink that publishes each item to {@code exchange} and counts it stored once the broker
     * confirms it (publisher confirms; messages are published {@code mandatory}, so one that
     * reaches no queue is not counted stored). The run's result is the number of confirmed
     * messages.
     *
     * <pre>{@code
     * Sink<Order, Long> publish = RabbitSinks.publish("orders", uri, "shop", order -> "orders." + order.country(),
     *         order -> json(order), PublishOptions.defaults());
     * }</pre>
     *
     * <p>At most {@link PublishOptions#maxInFlight} messages wait for their confirm; the sink
     * requests no more items than that. A message the broker nacks or returns fails its item
     * with a {@link RabbitRejectedException} naming the broker, exchange and routing key, which goes
     * to the sink's {@link Sink#onError error policy}; a lost connection or a missing confirm
     * fails the run. <b>Thread</b>: {@code routingKey} and {@code body} run on the thread that
     * delivers the item; publishing runs on the channel's own thread.
     *
     * @param name the sink's name
     * @param uri the broker, {@code amqp://user:password@host:port/vhost}
     * @param exchange the exchange ({@code ""}: the default exchange, routing by queue name)
     * @param routingKey the routing key of an item
     * @param body the message body of an item
     * @param options in-flight bound, confirm timeout, persistence
     * @param <T> the item type
     * @return the sink (cold: connects when the run starts, closes when it ends)
     * @throws IllegalArgumentException when {@code uri} is not an AMQP URI
     */
    public static <T> Sink<T, Long> publish(String name, String uri, String exchange, Function<? super T, String> routingKey,
            Function<? super T, byte[]> body, PublishOptions options) {
        Broker broker = Broker.parse(uri);
        Require.nonNull(exchange, "exchange");
        Require.nonNull(routingKey, "routingKey");
        Require.nonNull(body, "body");
        Require.nonNull(options, "options");
        String target = "exchange '" + exchange + "'";
        return Sink.create(name, (Flux<T> items, StageContext ctx) -> Mono.usingWhen(
                SerialChannel.open(broker, "publish " + (exchange.isEmpty() ? "default" : exchange), target,
                        options.maxInFlight() + 16, ConfirmedPublisher::confirmMode),
                channel -> {
                    ConfirmedPublisher publisher = ConfirmedPublisher.on(channel);
                    return items.flatMap(item -> publisher
                                    .publish(exchange, routingKey.apply(item), body.apply(item), options.persistent(),
                                            options.confirmTimeout())
                                    .then(Mono.fromRunnable(() -> ctx.completed(List.of(item))).thenReturn(1L))
                                    .onErrorResume(RabbitRejectedException.class, e -> ctx.reject(item, e, 1).then(Mono.empty())),
                            options.maxInFlight())
                            .count();
                },
                SerialChannel::close,
                (channel, error) -> channel.close(),
                SerialChannel::close));
    }

    /**
     * Publishes each item to {@code queue} through the default exchange; see
     * {@link #publish(String, String, String, Function, Function, PublishOptions)}.
     *
     * <pre>{@code
     * Sink<String, Long> work = RabbitSinks.toQueue("publish", uri, "etl-work", s -> s.getBytes(UTF_8), PublishOptions.defaults());
     * }</pre>
     *
     * @param name the sink's name
     * @param uri the broker
     * @param queue the queue (it must exist, or the messages are returned and fail)
     * @param body the message body of an item
     * @param options in-flight bound, confirm timeout, persistence
     * @param <T> the item type
     * @return the sink
     */
    public static <T> Sink<T, Long> toQueue(String name, String uri, String queue, Function<? super T, byte[]> body,
            PublishOptions options) {
        Require.nonBlank(queue, "queue");
        return publish(name, uri, "", item -> queue, body, options);
    }
}
