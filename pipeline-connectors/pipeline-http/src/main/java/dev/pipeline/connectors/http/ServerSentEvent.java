package dev.pipeline.connectors.http;

import java.time.Duration;
import java.util.Objects;

/**
 * One server-sent event of a {@code text/event-stream} response, as
 * {@link HttpSources#events} and {@link HttpStages#events} emit it: the event's type, its data
 * (several {@code data:} lines joined by {@code \n}), the last event id the stream set, and the
 * reconnection time it last asked for. Parsed as the HTML standard's event-stream format says
 * (a browser's {@code EventSource} would see the same events).
 *
 * <pre>{@code
 * // data: {"token":"Hel"}        ->  new ServerSentEvent(null, "message", "{\"token\":\"Hel\"}", null)
 * // event: done / id: 7 / data: ok  ->  new ServerSentEvent("7", "done", "ok", null)
 * }</pre>
 *
 * @param id the last event id set by an {@code id:} field in the stream so far (it stays until
 *     changed), or null when none was set
 * @param event the event's type: its {@code event:} field, or {@code "message"} when absent
 * @param data the event's data: its {@code data:} lines joined by {@code \n}
 * @param retry the reconnection time the stream last asked for with {@code retry:}, or null
 */
public record ServerSentEvent(String id, String event, String data, Duration retry) {

    /**
     * Checks the event.
     *
     * @param id the last event id, or null
     * @param event the type, not null
     * @param data the data, not null
     * @param retry the reconnection time, or null
     */
    public ServerSentEvent {
        Objects.requireNonNull(event, "event must not be null");
        Objects.requireNonNull(data, "data must not be null");
    }
}
