package dev.pipeline.connectors.kafka;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** A producer interceptor (set with {@code interceptor.classes}) that counts sends awaiting their ack. */
public final class CountingInterceptor implements ProducerInterceptor<Object, Object> {

    static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    static final AtomicInteger MAX_IN_FLIGHT = new AtomicInteger();
    static final AtomicInteger ACKED = new AtomicInteger();

    static void reset() {
        IN_FLIGHT.set(0);
        MAX_IN_FLIGHT.set(0);
        ACKED.set(0);
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        MAX_IN_FLIGHT.accumulateAndGet(IN_FLIGHT.incrementAndGet(), Math::max);
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        IN_FLIGHT.decrementAndGet();
        ACKED.incrementAndGet();
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
