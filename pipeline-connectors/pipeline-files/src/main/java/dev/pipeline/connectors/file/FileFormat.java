package dev.pipeline.connectors.file;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.pipeline.connectors.internal.Require;

/**
 * How a file sink turns items into text: one line per item ({@link #lines()}), one JSON
 * object per line ({@link #ndjson()}), or CSV rows under a header ({@link #csv(List)}).
 * Immutable; used by {@link FileSinks#partitioned}.
 *
 * @param <T> the item type
 */
public final class FileFormat<T> {

    /** Encodes one item as text, newline included; an exception rejects just that item. */
    interface Encoder<T> {
        String encode(T item) throws Exception;
    }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final String name;
    private final List<String> header;
    private final Function<WriteOptions, Encoder<T>> encoders;

    private FileFormat(String name, List<String> header, Function<WriteOptions, Encoder<T>> encoders) {
        this.name = name;
        this.header = header;
        this.encoders = encoders;
    }

    /**
     * One line per item: {@code String.valueOf(item)} and {@code \n}.
     *
     * @param <T> the item type
     * @return the format
     */
    public static <T> FileFormat<T> lines() {
        return new FileFormat<>("lines", null, o -> item -> String.valueOf(item) + "\n");
    }

    /**
     * One JSON object per line, written by the sink's Jackson mapper ({@link WriteOptions#mapper}).
     * {@link dev.pipeline.core.DeadLetter}s are written as
     * {@code {"stage","item","reason","error","attempts","at"}} plus {@code "file"/"line"} or
     * {@code "sqlState"} when the error has them. An item Jackson cannot serialize is rejected.
     *
     * @param <T> the item type
     * @return the format
     */
    public static <T> FileFormat<T> ndjson() {
        return new FileFormat<>("ndjson", null, o -> {
            ObjectMapper mapper = o.mapper();
            return item -> mapper.writeValueAsString(item) + "\n";
        });
    }

    /**
     * CSV rows under a header of {@code columns}: each item is a {@code Map} or an object
     * Jackson turns into one (a record, a bean); the values of the named columns are written
     * (missing ones empty), quoted where needed.
     *
     * @param columns the header, in order
     * @param <T> the item type
     * @return the format
     */
    public static <T> FileFormat<T> csv(List<String> columns) {
        List<String> cols = List.copyOf(Require.nonNull(columns, "columns"));
        return csv(cols, null);
    }

    /**
     * CSV rows under a header of {@code columns}, with {@code values} giving each item's fields
     * in column order ({@code null} writes an empty field).
     *
     * @param columns the header, in order
     * @param values the fields of one item, as many as columns
     * @param <T> the item type
     * @return the format
     */
    public static <T> FileFormat<T> csv(List<String> columns, Function<? super T, ? extends List<?>> values) {
        List<String> cols = List.copyOf(Require.nonNull(columns, "columns"));
        if (cols.isEmpty()) {
            throw new IllegalArgumentException("columns must not be empty");
        }
        return new FileFormat<>("csv", cols, o -> {
            StringWriter out = new StringWriter();
            CsvWriter writer = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out);
            ObjectMapper mapper = o.mapper();
            return item -> {
                List<?> fields;
                if (values != null) {
                    fields = values.apply(item);
                    if (fields == null || fields.size() != cols.size()) {
                        throw new IllegalArgumentException("expected " + cols.size() + " values for columns " + cols
                                + " but got " + (fields == null ? "null" : fields.size()));
                    }
                } else {
                    Map<?, ?> map = item instanceof Map<?, ?> m ? m : mapper.convertValue(item, MAP);
                    List<Object> row = new ArrayList<>(cols.size());
                    for (String c : cols) {
                        row.add(map.get(c));
                    }
                    fields = row;
                }
                List<String> text = new ArrayList<>(fields.size());
                for (Object f : fields) {
                    text.add(f == null ? "" : f.toString());
                }
                out.getBuffer().setLength(0);
                writer.writeRecord(text);
                writer.flush();
                return out.toString();
            };
        });
    }

    /** The header line (with newline) for a new file, or null. */
    String headerLine() {
        if (header == null) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (CsvWriter w = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out)) {
            w.writeRecord(header);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a StringWriter failed", e);
        }
        return out.toString();
    }

    /** A new encoder for one file (encoders are not thread-safe). */
    Encoder<T> encoder(WriteOptions options) {
        return encoders.apply(options);
    }

    @Override
    public String toString() {
        return "FileFormat[" + name + (header == null ? "" : " " + header) + "]";
    }
}
