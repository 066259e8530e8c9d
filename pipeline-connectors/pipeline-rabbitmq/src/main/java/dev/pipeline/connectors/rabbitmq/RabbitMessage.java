package dev.pipeline.connectors.rabbitmq;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A message received from a queue: its body, where it came from, and whether the broker says it
 * was delivered before ({@code redelivered}: a consumer died or its channel closed before
 * acknowledging it). Immutable.
 *
 * @param queue the queue it was consumed from
 * @param exchange the exchange it was published to ({@code ""}: the default exchange)
 * @param routingKey its routing key
 * @param redelivered whether the broker delivered it before
 * @param messageId its {@code message-id} property, or null
 * @param headers its headers (empty when it has none)
 * @param body its body (do not modify)
 */
public record RabbitMessage(String queue, String exchange, String routingKey, boolean redelivered, String messageId,
        Map<String, Object> headers, byte[] body) {

    /**
     * A message; {@code headers} is copied.
     *
     * @param queue the queue it was consumed from
     * @param exchange the exchange it was published to
     * @param routingKey its routing key
     * @param redelivered whether the broker delivered it before
     * @param messageId its {@code message-id}, or null
     * @param headers its headers, or null
     * @param body its body
     */
    public RabbitMessage {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /**
     * The body as UTF-8 text.
     *
     * @return the text
     */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RabbitMessage m && m.queue.equals(queue) && m.exchange.equals(exchange)
                && m.routingKey.equals(routingKey) && m.redelivered == redelivered && java.util.Objects.equals(m.messageId, messageId)
                && m.headers.equals(headers) && java.util.Arrays.equals(m.body, body);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(queue, exchange, routingKey, redelivered, messageId, headers) * 31 + java.util.Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        String text = text();
        return "RabbitMessage[queue=" + queue + ", routingKey=" + routingKey + (redelivered ? ", redelivered" : "")
                + ", body=" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "]";
    }
}
