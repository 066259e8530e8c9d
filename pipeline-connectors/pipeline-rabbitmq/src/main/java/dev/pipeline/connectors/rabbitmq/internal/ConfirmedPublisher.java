package dev.pipeline.connectors.rabbitmq.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Publishes on a channel in confirm mode and completes each publish when the broker confirms
 * it. A message counts as stored only once confirmed: a {@code basic.nack} fails its publish, so
 * does a {@code basic.return} (published {@code mandatory}, it reached no queue) and a channel
 * that closes before the confirm. The caller bounds how many publishes are outstanding.
 *
 * <p>Publishes run in the order they are subscribed, on the channel's thread, so confirms (which
 * the broker sends in publish order) complete them in that order. The publish sequence number
 * travels in a header, so that a return names the message it belongs to.
 */
public final class ConfirmedPublisher {

    /** The header that carries the channel's publish sequence number (for returns). */
    static final String SEQUENCE_HEADER = "x-pipeline-publish-seq";

    private final SerialChannel channel;
    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();

    private record Pending(MonoSink<Void> sink, String target, AtomicReference<String> returned) {
    }

    private ConfirmedPublisher(SerialChannel channel) {
        this.channel = channel;
        channel.channel().addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                settle(seq, multiple, null);
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                settle(seq, multiple, "the broker nacked it (it could not store it)");
            }
        });
        channel.channel().addReturnListener((ReturnListener) (code, text, exchange, key, properties, body) -> {
            Object seq = properties.getHeaders() == null ? null : properties.getHeaders().get(SEQUENCE_HEADER);
            Pending p = seq instanceof Number n ? pending.get(n.longValue()) : null;
            if (p != null) {
                p.returned().set("the broker returned it: " + code + " " + text + " (no queue is bound for it)");
            }
        });
        channel.channel().addShutdownListener(this::failAll);
    }

    /**
     * Puts the channel in confirm mode; call inside {@link SerialChannel#open}'s setup.
     *
     * @param ch the channel
     * @throws java.io.IOException when the broker refuses
     */
    public static void confirmMode(com.rabbitmq.client.Channel ch) throws java.io.IOException {
        ch.confirmSelect();
    }

    /**
     * A publisher on a channel in confirm mode.
     *
     * @param channel the channel
     * @return the publisher
     */
    public static ConfirmedPublisher on(SerialChannel channel) {
        return new ConfirmedPublisher(channel);
    }

    /**
     * Publishes one message (mandatory); cold.
     *
     * @param exchange the exchange ({@code ""}: the default exchange)
     * @param routingKey the routing key
     * @param body the body
     * @param persistent delivery mode 2
     * @param timeout how long the confirm may take
     * @return completes when confirmed; fails with a {@code RabbitException} naming the broker,
     *     the exchange and the routing key
     */
    public Mono<Void> publish(String exchange, String routingKey, byte[] body, boolean persistent, Duration timeout) {
        String target = "exchange '" + exchange + "' routing key '" + routingKey + "'";
        return Mono.<Void>create(sink -> channel.execute("publish to " + target, ch -> {
            long seq = ch.getNextPublishSeqNo();
            Map<String, Object> headers = new HashMap<>(2);
            headers.put(SEQUENCE_HEADER, seq);
            AMQP.BasicProperties props = (persistent ? MessageProperties.PERSISTENT_BASIC : MessageProperties.BASIC)
                    .builder().headers(headers).build();
            pending.put(seq, new Pending(sink, target, new AtomicReference<>()));
            // a caller that timed out or cancelled leaves no entry behind (run at once if it already has)
            sink.onDispose(() -> pending.remove(seq));
            try {
                ch.basicPublish(exchange, routingKey, true, props, body);
            } catch (Exception e) {
                Pending p = pending.remove(seq);
                if (p != null) {
                    p.sink().error(channel.broker().error("cannot publish", target, e));
                }
            }
        })).timeout(timeout, Mono.error(() -> channel.broker().error("no confirm within " + timeout, target, null)));
    }

    private void settle(long seq, boolean multiple, String nacked) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Pending> done = pending.headMap(seq, true);
            for (Long s : done.keySet()) {
                Pending p = done.remove(s);
                if (p != null) {
                    complete(p, nacked);
                }
            }
        } else {
            Pending p = pending.remove(seq);
            if (p != null) {
                complete(p, nacked);
            }
        }
    }

    private void complete(Pending p, String nacked) {
        String why = nacked != null ? nacked : p.returned().get();
        if (why == null) {
            p.sink().success();
        } else {
            p.sink().error(channel.broker().rejected(why, p.target()));
        }
    }

    private void failAll(ShutdownSignalException signal) {
        for (Long s : pending.keySet()) {
            Pending p = pending.remove(s);
            if (p != null) {
                p.sink().error(channel.broker().error("the channel closed before the broker confirmed the message", p.target(), signal));
            }
        }
    }
}
