package dev.pipeline.connectors.tcp;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import dev.pipeline.connectors.internal.Fields;
import dev.pipeline.connectors.internal.Require;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Options of the TCP sources and stages. Immutable: each option method returns a changed copy;
 * each option's value is read back by the method of the same name without arguments.
 *
 * <pre>{@code
 * TcpOptions idle = TcpOptions.defaults().idleTimeout(Duration.ofSeconds(30));
 * }</pre>
 */
public final class TcpOptions {

    private static final TcpOptions DEFAULTS = new TcpOptions(new Values());

    /** The options' values; the field initializers are the defaults. */
    private static final class Values extends Fields<Values> {
        Duration idleTimeout;
        /** Null: {@link Schedulers#parallel()}, looked up at use. */
        Scheduler timer;
    }

    private final Values v;

    private TcpOptions(Values v) {
        this.v = v;
    }

    private TcpOptions with(Consumer<Values> change) {
        return new TcpOptions(v.with(change));
    }

    /**
     * The defaults: no idle limit, Reactor's parallel scheduler as the timer.
     *
     * @return the default options
     */
    public static TcpOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The longest a connection may go without a frame (counted from the connect or accept, then
     * from each frame): past it the connection is closed with a {@link TcpIdleTimeoutException}
     * naming the peer. The clock runs while downstream is slow too (no frame is read then), so
     * set it above the slowest step. Not set by default.
     *
     * @param idleTimeout the limit, {@code > 0}
     * @return a copy with that limit
     */
    public TcpOptions idleTimeout(Duration idleTimeout) {
        Require.positive(idleTimeout, "idleTimeout");
        return with(o -> o.idleTimeout = idleTimeout);
    }

    /**
     * The scheduler that times {@link #idleTimeout}. Defaults to {@link Schedulers#parallel()}.
     *
     * @param timer the time source (a virtual-time scheduler in tests)
     * @return a copy with that timer
     */
    public TcpOptions timer(Scheduler timer) {
        Require.nonNull(timer, "timer");
        return with(o -> o.timer = timer);
    }

    /**
     * The idle limit.
     *
     * @return the limit, empty when none
     */
    public Optional<Duration> idleTimeout() {
        return Optional.ofNullable(v.idleTimeout);
    }

    /**
     * The timer.
     *
     * @return the scheduler
     */
    public Scheduler timer() {
        return v.timer != null ? v.timer : Schedulers.parallel();
    }

    @Override
    public String toString() {
        return "TcpOptions[idleTimeout=" + idleTimeout().map(Duration::toString).orElse("none") + "]";
    }
}
