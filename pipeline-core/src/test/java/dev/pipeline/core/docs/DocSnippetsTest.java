package dev.pipeline.core.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the Java snippets in README.md and docs/ identical to real, compiled code.
 *
 * <p>In Markdown, a fenced block ({@code java}, {@code xml}, ...) preceded by
 * {@code <!-- snippet: path/to/Source.java#name -->} must equal the region of that source file
 * between {@code // tag::name[]} and {@code // end::name[]} (or {@code <!-- tag::name[] -->} and
 * {@code <!-- end::name[] -->} in XML), indentation removed. The path is a path from the
 * repository's root, or one looked up under every (nested) module's {@code src/test/java} and
 * {@code src/main/java}.
 *
 * <p>So that a reader finds a snippet's imports, the line after each block links the whole
 * source file ({@value #LINK_PREFIX}...), unless the snippet shows its own import lines.
 *
 * <p>Run with {@code -Ddocs.update=true} to rewrite the Markdown blocks (and their links) from the sources.
 */
class DocSnippetsTest {

    private static final Pattern MARKER = Pattern.compile("<!-- snippet: ([^#\\s]+)#([\\w.-]+) -->");

    /** How the line after a snippet that shows no imports begins. */
    static final String LINK_PREFIX = "<sub>Imports and the whole file: ";

    @Test
    void everyDocSnippetMatchesItsTaggedSource() throws IOException {
        Path root = repoRoot();
        List<Path> docs = new ArrayList<>();
        docs.add(root.resolve("README.md"));
        if (Files.isDirectory(root.resolve("docs"))) {
            try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
                s.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
            }
        }
        boolean update = Boolean.getBoolean("docs.update");
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs) {
            if (!Files.exists(doc)) {
                continue;
            }
            List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
            boolean changed = false;
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = MARKER.matcher(lines.get(i));
                if (!m.find()) {
                    continue;
                }
                String where = root.relativize(doc) + ":" + (i + 1);
                int open = i + 1;
                if (open >= lines.size() || !lines.get(open).trim().matches("```\\w+")) {
                    problems.add(where + ": the snippet marker must be followed by a fenced block (```java, ```xml)");
                    continue;
                }
                int close = open + 1;
                while (close < lines.size() && !lines.get(close).trim().equals("```")) {
                    close++;
                }
                List<String> expected;
                Path source;
                try {
                    source = sourceFile(root, m.group(1));
                    expected = taggedRegion(source, m.group(1), m.group(2));
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                    continue;
                }
                List<String> actual = new ArrayList<>(lines.subList(open + 1, close));
                checked++;
                // the link line after the block: present unless the snippet shows its imports
                boolean showsImports = expected.stream().anyMatch(l -> l.startsWith("import ") || l.contains("<dependency>"));
                String link = LINK_PREFIX + "[" + root.relativize(source) + "](" + doc.getParent().relativize(source).toString().replace('\\', '/') + ")</sub>";
                boolean hasLinkLine = close + 1 < lines.size() && lines.get(close + 1).startsWith(LINK_PREFIX);
                boolean linkOk = showsImports ? !hasLinkLine : hasLinkLine && lines.get(close + 1).equals(link);
                if (!linkOk) {
                    if (update) {
                        if (hasLinkLine) {
                            lines.remove(close + 1);
                        }
                        if (!showsImports) {
                            lines.add(close + 1, link);
                        }
                        changed = true;
                    } else {
                        problems.add(where + ": " + (showsImports ? "a snippet that shows its imports needs no link line"
                                : "the line after the block must link the source file for its imports: " + link)
                                + " (run the tests with -Ddocs.update=true to add it)");
                    }
                }
                if (!actual.equals(expected)) {
                    if (update) {
                        List<String> head = new ArrayList<>(lines.subList(0, open + 1));
                        head.addAll(expected);
                        head.addAll(lines.subList(close, lines.size()));
                        lines = head;
                        changed = true;
                        i = open + expected.size();
                    } else {
                        problems.add(where + ": snippet differs from " + m.group(1) + "#" + m.group(2)
                                + " (run the tests with -Ddocs.update=true to copy the source into the doc)\n  doc:    "
                                + String.join("\n          ", actual) + "\n  source: " + String.join("\n          ", expected));
                    }
                }
            }
            if (changed) {
                Files.write(doc, lines, StandardCharsets.UTF_8);
            }
        }
        assertThat(problems).as("doc snippets out of date").isEmpty();
        assertThat(checked).as("snippets checked (README.md has at least one)").isPositive();
    }

    /** The file a marker names: a path from the repository's root, or one under a module's source folders. */
    static Path sourceFile(Path root, String file) throws IOException {
        if (Files.isRegularFile(root.resolve(file))) {
            return root.resolve(file);
        }
        Path source = null;
        try (Stream<Path> modules = Files.walk(root, 3)) {
            // modules nest (pipeline-connectors/pipeline-files): every folder with a pom.xml, not build output
            for (Path module : modules.filter(d -> Files.isRegularFile(d.resolve("pom.xml")) && !d.toString().contains("target"))
                    .collect(Collectors.toList())) {
                for (String dir : new String[] {"src/test/java", "src/main/java"}) {
                    Path candidate = module.resolve(dir).resolve(file);
                    if (Files.exists(candidate)) {
                        source = candidate;
                    }
                }
            }
        }
        if (source == null) {
            throw new IllegalArgumentException("no source file " + file + " from the repository's root or in any module's"
                    + " src/test/java or src/main/java");
        }
        return source;
    }

    static List<String> taggedRegion(Path source, String file, String tag) throws IOException {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.equals("// tag::" + tag + "[]") || t.equals("<!-- tag::" + tag + "[] -->")) {
                start = i + 1;
            } else if ((t.equals("// end::" + tag + "[]") || t.equals("<!-- end::" + tag + "[] -->")) && start >= 0) {
                end = i;
                break;
            }
        }
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException("no region // tag::" + tag + "[] ... // end::" + tag + "[] in " + file);
        }
        List<String> region = lines.subList(start, end);
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.toList());
    }

    static Path repoRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("pipeline-core"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root above " + Paths.get("").toAbsolutePath());
        }
        return p;
    }
}
