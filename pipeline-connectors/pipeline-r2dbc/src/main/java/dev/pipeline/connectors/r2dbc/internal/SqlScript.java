package dev.pipeline.connectors.r2dbc.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an SQL script into statements on {@code ;}, respecting quoted strings and identifiers,
 * {@code --} and {@code /* *\/} comments, and PostgreSQL dollar quotes ({@code $$ ... $$},
 * {@code $tag$ ... $tag$}).
 */
public final class SqlScript {

    private SqlScript() {
    }

    public static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = script.length();
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : 0;
            if (c == '-' && next == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && next == '*') {
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                cur.append(' ');
                continue;
            }
            if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < n) {
                    if (script.charAt(end) == c) {
                        if (end + 1 < n && script.charAt(end + 1) == c) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                end = Math.min(end + 1, n);
                cur.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '$') {
                int close = script.indexOf('$', i + 1);
                if (close > 0 && script.substring(i + 1, close).matches("[A-Za-z_]*")) {
                    String tag = script.substring(i, close + 1);
                    int end = script.indexOf(tag, close + 1);
                    end = end < 0 ? n : end + tag.length();
                    cur.append(script, i, end);
                    i = end;
                    continue;
                }
            }
            if (c == ';') {
                add(out, cur);
                i++;
                continue;
            }
            cur.append(c);
            i++;
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }
}
