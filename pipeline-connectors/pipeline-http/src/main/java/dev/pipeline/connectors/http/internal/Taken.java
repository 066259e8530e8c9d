package dev.pipeline.connectors.http.internal;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * What a server said it took of one request of {@code accepted + rejected} items or more: its
 * first {@code accepted} items stored, the next {@code rejected} refused. The counts are the
 * integer fields {@code accepted} and {@code rejected} (0 when absent) of a JSON object, as every
 * answer of {@code HttpSources.server} to a POST carries them.
 *
 * @param accepted the first items of the request, stored
 * @param rejected the items after them, refused by the server
 */
public record Taken(int accepted, int rejected) {

    /**
     * The counts in an answer's body, if they fit a request of {@code sent} items; null when the
     * body is not a JSON object, has no integer {@code accepted}, has a {@code rejected} that is
     * not an integer, or has counts below zero or above {@code sent} together. The body is read
     * with a streaming parser, which takes no lock (safe on an event loop).
     *
     * @param json the parser factory
     * @param body the whole body
     * @param sent how many items the request held
     * @return the counts, or null
     */
    public static Taken read(JsonFactory json, byte[] body, int sent) {
        long accepted = -1;
        long rejected = 0;
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                boolean count = "accepted".equals(field) || "rejected".equals(field);
                if (count && value != JsonToken.VALUE_NUMBER_INT) {
                    return null;
                }
                if (!count) {
                    p.skipChildren();
                } else if ("accepted".equals(field)) {
                    accepted = p.getLongValue();
                } else {
                    rejected = p.getLongValue();
                }
            }
        } catch (IOException e) { // not JSON, or a count beyond a long: no counts to go by
            return null;
        }
        if (accepted < 0 || rejected < 0 || accepted > sent || rejected > sent - accepted) {
            return null;
        }
        return new Taken((int) accepted, (int) rejected);
    }
}
