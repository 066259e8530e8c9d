package dev.pipeline.connectors.rabbitmq;

import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.connectors.internal.Require;
import dev.pipeline.connectors.rabbitmq.internal.Broker;
import dev.pipeline.connectors.rabbitmq.internal.QueueReceiver;
import dev.pipeline.core.Delivery;
import dev.pipeline.core.Source;

/**
 * RabbitMQ sources: a queue consumed at least once, each message acknowledged only once the
 * pipeline is done with it.
 */
public final class RabbitSources {

    private RabbitSources() {
    }

    /**
     * An {@linkplain Source#acknowledged acknowledged} source over an existing queue: manual
     * acknowledgements, with {@link ConsumeOptions#prefetch prefetch} messages in flight at
     * most. A message is acknowledged once it and everything derived from it have left the
     * pipeline (stored, filtered, skipped); a dead-lettered one is acknowledged or rejected to
     * the queue's dead-letter exchange ({@link ConsumeOptions#deadLetters}). A run that fails or
     * is cancelled closes the channel and acknowledges nothing more: the broker delivers again
     * what was in flight, with {@link RabbitMessage#redelivered} set, so a consumer's death
     * repeats at most {@code prefetch} messages. A run that is stopped
     * ({@link dev.pipeline.core.RunningPipeline#stop(java.time.Duration) stop(grace)}) stops the
     * deliveries at once but keeps the channel open until the run has ended: the messages in
     * flight that finish within the grace are acknowledged, not redelivered; only those cut off
     * when the grace ends return to the queue. Several processes may consume one queue: the
     * broker shares the messages out.
     *
     * <pre>{@code
     * Source<RabbitMessage> work = RabbitSources.queue("work", "amqp://guest:guest@127.0.0.1:5672/%2F", "etl-work",
     *         ConsumeOptions.defaults().prefetch(20));
     * Pipeline.from(work).then(Stage.map("parse", RabbitMessage::text)).to(store).run();
     * }</pre>
     *
     * <p><b>Emits when</b> the broker delivers a message and downstream has demand (at most
     * {@code prefetch} are buffered). <b>Completes when</b> the queue stayed quiet for the
     * {@link ConsumeOptions#idleTimeout idle timeout} with every message settled; without one,
     * never by itself (stop or cancel the run).
     * <b>Errors when</b> the connection is refused or lost, the queue does not exist or is
     * deleted ({@link RabbitException} naming the broker, the virtual host and the queue).
     * <b>On cancel</b> (a stop) the broker's consumer is cancelled at once, and the channel and
     * connection are closed once the run has ended ({@link dev.pipeline.core.StageContext#whenRunEnds()}),
     * so the items in flight can still be acknowledged; unacknowledged messages return to the
     * queue. <b>Thread</b>: messages arrive on the client's consumer threads; acks are sent
     * from the channel's own thread (channels are not thread-safe), never from a Reactor thread.
     *
     * @param name the source's name
     * @param uri the broker, {@code amqp://user:password@host:port/vhost} (the password is masked in every message)
     * @param queue the queue to consume
     * @param options prefetch and dead-letter choice
     * @return the source (cold: nothing connects before the run subscribes)
     * @throws IllegalArgumentException when {@code uri} is not an AMQP URI
     */
    public static Source<RabbitMessage> queue(String name, String uri, String queue, ConsumeOptions options) {
        Broker broker = Broker.parse(uri);
        Require.nonBlank(queue, "queue");
        Require.nonNull(options, "options");
        boolean reject = options.deadLetters() == DeadLetters.REJECT;
        return Source.acknowledged(name, ctx -> QueueReceiver.receive(broker, queue, options.prefetch(), reject,
                        new AtomicInteger(), options.idleTimeout(), options.timer(),
                        ctx.whenRunEnds())
                .map(r -> Delivery.of(r.message(), r.message().redelivered(), r.settle())));
    }
}
