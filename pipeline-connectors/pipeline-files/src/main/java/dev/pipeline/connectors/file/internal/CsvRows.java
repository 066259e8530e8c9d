package dev.pipeline.connectors.file.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
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
import dev.pipeline.connectors.file.Malformed;
import dev.pipeline.connectors.file.MalformedRecordException;
import dev.pipeline.connectors.file.ReadOptions;

/**
 * Reads a CSV file with FastCSV: the first record is the header; each later record becomes a
 * map from header name to field, or a {@link Rejected} when its field count differs.
 * With {@link Malformed#REPORT} the bytes are decoded strictly, and invalid ones fail the read
 * naming the line they are on. Blocking.
 */
public final class CsvRows implements AutoCloseable {

    private final Path path;
    private final ReadOptions options;
    private final CsvReader<CsvRecord> reader;
    private final Iterator<CsvRecord> records;
    private final List<String> header;
    private long lastLine;

    private CsvRows(Path path, ReadOptions options, CsvReader<CsvRecord> reader) {
        this.path = path;
        this.options = options;
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
            CsvReader.CsvReaderBuilder builder = CsvReader.builder()
                    .extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE);
            reader = options.onMalformed() == Malformed.REPORT
                    ? builder.ofCsvRecord(strictReader(path, options.charset()))
                    : builder.detectBomHeader(true).ofCsvRecord(path, options.charset());
        } catch (IOException e) {
            throw IoErrors.read(path, e);
        }
        try {
            return new CsvRows(path, options, reader);
        } catch (RuntimeException e) {
            closeQuietlyAfter(reader, e);
            throw e;
        }
    }

    /** A reader that fails on bytes invalid in {@code charset}, without a leading byte order mark. */
    private static Reader strictReader(Path path, Charset charset) throws IOException {
        PushbackReader in = new PushbackReader(new InputStreamReader(Files.newInputStream(path), charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1);
        try {
            int first = in.read();
            if (first >= 0 && first != '\uFEFF') {
                in.unread(first);
            }
            return in;
        } catch (CharacterCodingException e) {
            in.close();
            throw invalid(path, charset, 1, "", e);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    private static MalformedRecordException invalid(Path path, Charset charset, long line, String where,
            CharacterCodingException e) {
        return new MalformedRecordException(path, line, null, "invalid " + charset + " input" + where + " (" + e
                + "); use ReadOptions.onMalformed(Malformed.REPLACE) to substitute U+FFFD, or the right charset", e);
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
            CsvRecord r = records.hasNext() ? records.next() : null;
            if (r != null) {
                lastLine = r.getStartingLineNumber();
            }
            return r;
        } catch (CsvParseException e) {
            throw new MalformedRecordException(path, lineOf(e), null, "unreadable CSV: " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException invalid) {
                throw locate(invalid);
            }
            throw IoErrors.read(path, e.getCause());
        }
    }

    /**
     * The decoder reads ahead, so which line holds the invalid bytes is found by reading the file
     * again line by line (only on this error path); where a newline is not one byte, the error
     * names the line after the last good record.
     */
    private MalformedRecordException locate(CharacterCodingException e) {
        boolean asciiNewlines = true;
        try {
            LineReader.requireAsciiCompatible(options.charset());
        } catch (IllegalArgumentException notAscii) {
            asciiNewlines = false;
        }
        if (asciiNewlines) {
            try (LineReader lines = LineReader.open(path, options)) {
                while (lines.next() != null) {
                    // the strict line reader stops at the same bytes
                }
            } catch (MalformedRecordException located) {
                return located;
            }
        }
        return invalid(path, options.charset(), lastLine + 1, " after the record on line " + lastLine, e);
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
