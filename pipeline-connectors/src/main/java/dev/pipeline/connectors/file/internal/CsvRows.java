package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.pipeline.connectors.file.MalformedRecordException;
import dev.pipeline.connectors.file.ReadOptions;

/**
 * Reads a CSV file with FastCSV: the first record is the header; each later record becomes a
 * map from header name to field, or a {@link Rejected} when its field count differs.
 * Blocking.
 */
public final class CsvRows implements AutoCloseable {

    private final Path path;
    private final CsvReader<CsvRecord> reader;
    private final Iterator<CsvRecord> records;
    private final List<String> header;

    private CsvRows(Path path, CsvReader<CsvRecord> reader) {
        this.path = path;
        this.reader = reader;
        this.records = reader.iterator();
        CsvRecord first = nextRecord();
        if (first == null) {
            this.header = List.of();
            return;
        }
        this.header = first.getFields();
        Set<String> names = new HashSet<>();
        for (String h : header) {
            if (!names.add(h)) {
                throw new MalformedRecordException(path, first.getStartingLineNumber(), text(header),
                        "the header names column '" + h + "' twice; column names must be unique", null);
            }
        }
    }

    /** Opens the file and reads its header. */
    public static CsvRows open(Path path, ReadOptions options) {
        if (Files.isDirectory(path)) {
            throw IoErrors.read(path, new IOException("is a directory"));
        }
        CsvReader<CsvRecord> reader;
        try {
            reader = CsvReader.builder().extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                    .detectBomHeader(true)
                    .ofCsvRecord(path, options.charset());
        } catch (IOException e) {
            throw IoErrors.read(path, e);
        }
        try {
            return new CsvRows(path, reader);
        } catch (RuntimeException e) {
            closeQuietlyAfter(reader, e);
            throw e;
        }
    }

    /** The next row as a map, a {@link Rejected}, or null at the end. */
    public Object next() {
        CsvRecord r = nextRecord();
        if (r == null) {
            return null;
        }
        List<String> fields = r.getFields();
        if (fields.size() != header.size()) {
            String raw = text(fields);
            return new Rejected(raw, new MalformedRecordException(path, r.getStartingLineNumber(), raw,
                    "expected " + header.size() + " fields " + header + " but found " + fields.size(), null));
        }
        Map<String, String> row = new LinkedHashMap<>(header.size() * 2);
        for (int i = 0; i < fields.size(); i++) {
            row.put(header.get(i), fields.get(i));
        }
        return new Row(r.getStartingLineNumber(), row);
    }

    /** A good row with the line it starts on. */
    public record Row(long line, Map<String, String> values) {
    }

    private CsvRecord nextRecord() {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (CsvParseException e) {
            throw new MalformedRecordException(path, lineOf(e), null, "unreadable CSV: " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw IoErrors.read(path, e.getCause());
        }
    }

    private static long lineOf(CsvParseException e) {
        String m = String.valueOf(e.getMessage());
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("line (\\d+)").matcher(m);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** The fields written back as one CSV line (the raw text of a bad row). */
    public static String text(List<String> fields) {
        StringWriter out = new StringWriter();
        try (CsvWriter w = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out)) {
            w.writeRecord(fields);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a StringWriter failed", e);
        }
        String s = out.toString();
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw IoErrors.read(path, e);
        }
    }

    private static void closeQuietlyAfter(CsvReader<?> reader, RuntimeException primary) {
        try {
            reader.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
