package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.lang.reflect.Method;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pipeline.connectors.file.MalformedRecordException;
import dev.pipeline.core.DeadLetter;

/** The connectors' shared Jackson mapper, with a serializer that makes dead letters useful. */
public final class Json {

    private static final ObjectMapper MAPPER = create();

    private Json() {
    }

    /** The shared, configured mapper (thread-safe once configured). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A new mapper configured like the shared one. */
    public static ObjectMapper create() {
        SimpleModule deadLetters = new SimpleModule("pipeline-dead-letters");
        deadLetters.addSerializer(new DeadLetterSerializer());
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(deadLetters)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * {"stage":..,"item":..,"reason":..,"error":"<class>","attempts":..,"at":..} plus, when the
     * error knows them, "file"/"line"/"raw" (bad records) and "sqlState" (database errors).
     */
    @SuppressWarnings("rawtypes")
    static final class DeadLetterSerializer extends StdSerializer<DeadLetter> {

        private static final long serialVersionUID = 1L;

        DeadLetterSerializer() {
            super(DeadLetter.class);
        }

        @Override
        public void serialize(DeadLetter letter, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            gen.writeStringField("stage", letter.stage());
            gen.writeFieldName("item");
            writeItem(letter.item(), gen, provider);
            gen.writeStringField("reason", letter.reason());
            Throwable root = letter.error();
            gen.writeStringField("error", root.getClass().getName());
            gen.writeNumberField("attempts", letter.attempts());
            gen.writeStringField("at", letter.at().toString());
            for (Throwable t = root; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof MalformedRecordException m) {
                    gen.writeStringField("file", m.file().toString());
                    gen.writeNumberField("line", m.line());
                    break;
                }
                String state = sqlState(t);
                if (state != null) {
                    gen.writeStringField("sqlState", state);
                    break;
                }
            }
            gen.writeEndObject();
        }

        private static void writeItem(Object item, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (item == null) {
                gen.writeNull();
                return;
            }
            // serialize into a buffer first: an item Jackson cannot write becomes its toString()
            try (TokenBuffer buffer = new TokenBuffer(gen.getCodec(), false)) {
                try {
                    provider.defaultSerializeValue(item, buffer);
                } catch (IOException | RuntimeException e) {
                    gen.writeString(String.valueOf(item));
                    return;
                }
                buffer.serialize(gen);
            }
        }

        /** The SQL state of an R2dbcException (looked up reflectively: the SPI is optional here). */
        private static String sqlState(Throwable t) {
            if (!t.getClass().getName().startsWith("io.r2dbc")) {
                return null;
            }
            try {
                Method m = t.getClass().getMethod("getSqlState");
                Object s = m.invoke(t);
                return s == null ? null : s.toString();
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }
    }
}
