package dev.pipeline.connectors.rabbitmq.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One connection with one channel, and the one thread that may use the channel. AMQP channels
 * are not safe for concurrent use and their calls block on the socket, so every channel
 * operation (consume, ack, nack, publish, close) runs as a task on a dedicated single-thread
 * scheduler that may block, in the order the tasks were given: an ack given before the close
 * is sent before it. Callers never block: they hand over a task.
 *
 * <p>The task queue is bounded ({@code maxTasks}); the source gives it at most one ack per
 * unacknowledged delivery (at most prefetch), the sink at most one publish per outstanding
 * confirm.
 */
public final class SerialChannel {

    private static final Logger LOG = LoggerFactory.getLogger(SerialChannel.class);

    private final Broker broker;
    private final String target;
    private final Connection connection;
    private final Channel channel;
    private final Scheduler thread;

    private SerialChannel(Broker broker, String target, Connection connection, Channel channel, Scheduler thread) {
        this.broker = broker;
        this.target = target;
        this.connection = connection;
        this.channel = channel;
        this.thread = thread;
    }

    /** What to do with a fresh channel before it is used (qos, confirm mode, a passive declare). */
    @FunctionalInterface
    public interface Setup {
        /**
         * Prepares the channel.
         *
         * @param channel the channel
         * @throws Exception any client error
         */
        void accept(Channel channel) throws Exception;
    }

    /**
     * Opens a connection and a channel, on the channel's own thread; cold.
     *
     * @param broker the broker
     * @param purpose the connection's name ({@code consume orders})
     * @param target what it is about, for errors ({@code queue 'orders'})
     * @param maxTasks the bound of the task queue
     * @param setup prepares the channel
     * @return the channel, open
     */
    public static Mono<SerialChannel> open(Broker broker, String purpose, String target, int maxTasks, Setup setup) {
        return Mono.defer(() -> {
            Scheduler thread = Schedulers.newBoundedElastic(1, maxTasks, "rabbitmq-" + purpose.replace(' ', '-'), 60, true);
            // a cancel that comes while the connection is being opened must still close it once it is open
            AtomicBoolean cancelled = new AtomicBoolean();
            AtomicReference<Connection> opened = new AtomicReference<>();
            return Mono.fromCallable(() -> {
                Connection connection = broker.connect(purpose, target);
                opened.set(connection);
                if (cancelled.get()) {
                    closeQuietly(connection);
                    return null;
                }
                try {
                    Channel channel = connection.createChannel();
                    setup.accept(channel);
                    return new SerialChannel(broker, target, connection, channel, thread);
                } catch (Exception e) {
                    closeQuietly(connection);
                    throw broker.error("cannot open a channel", target, e);
                }
            }).subscribeOn(thread)
                    .doOnError(e -> stop(thread))
                    .doOnCancel(() -> {
                        cancelled.set(true);
                        Connection connection = opened.get();
                        if (connection != null) {
                            thread.schedule(() -> closeQuietly(connection));
                        }
                        stop(thread);
                    });
        });
    }

    /**
     * The channel; use it only inside {@link #call} or {@link #execute} tasks.
     *
     * @return the channel
     */
    public Channel channel() {
        return channel;
    }

    /**
     * The broker.
     *
     * @return the broker
     */
    public Broker broker() {
        return broker;
    }

    /**
     * What the channel is about.
     *
     * @return {@code queue 'orders'}
     */
    public String target() {
        return target;
    }

    /**
     * Runs {@code task} on the channel's thread; cold.
     *
     * @param task the channel operation
     * @param <T> its value
     * @return its value, or its error mapped to a {@code RabbitException}
     */
    public <T> Mono<T> call(Callable<T> task) {
        return Mono.fromCallable(task).subscribeOn(thread)
                .onErrorMap(e -> !(e instanceof RuntimeException) || e instanceof com.rabbitmq.client.ShutdownSignalException
                        || e instanceof com.rabbitmq.client.AlreadyClosedException, e -> broker.error("channel operation failed", target, e));
    }

    /**
     * Hands {@code task} to the channel's thread, after the tasks handed over before it. A task
     * given after {@link #close} does not run (the broker redelivers what it would have acked).
     *
     * @param what what the task does, for the log
     * @param task the channel operation
     */
    public void execute(String what, ChannelTask task) {
        try {
            thread.schedule(() -> {
                try {
                    task.run(channel);
                } catch (Exception e) {
                    LOG.warn("RabbitMQ {} {}: {} failed, the broker redelivers: {}", broker, target, what, Broker.describe(e));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("RabbitMQ {} {}: {} after the channel was closed, the broker redelivers", broker, target, what);
        }
    }

    /** An operation on the channel. */
    @FunctionalInterface
    public interface ChannelTask {
        /**
         * Runs it.
         *
         * @param channel the channel
         * @throws Exception any client error
         */
        void run(Channel channel) throws Exception;
    }

    /**
     * Closes the channel and the connection after the tasks handed over before, then stops the
     * thread; the broker requeues every delivery not acknowledged by then. Never fails.
     *
     * @return completes when closed
     */
    public Mono<Void> close() {
        return Mono.<Void>fromRunnable(() -> closeQuietly(connection))
                .subscribeOn(thread)
                .onErrorResume(RejectedExecutionException.class, e -> Mono.fromRunnable(() -> closeQuietly(connection))
                        .subscribeOn(Schedulers.boundedElastic()).then())
                .doFinally(signal -> stop(thread));
    }

    /** Stops the thread once its tasks ran (it may be the calling thread: no interrupt, no wait). */
    private static void stop(Scheduler thread) {
        thread.disposeGracefully().subscribe(null, e -> thread.dispose());
    }

    private static void closeQuietly(Connection connection) {
        if (!connection.isOpen()) {
            return;
        }
        try {
            connection.close(5_000);
        } catch (Exception e) {
            LOG.debug("closing a RabbitMQ connection: {}", Broker.describe(e));
        }
    }
}
