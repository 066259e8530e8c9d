package dev.pipeline.connectors.http.internal;

import java.net.URI;

/** URLs fit for messages and logs: a password in the user info is masked. */
public final class Uris {

    private Uris() {
    }

    public static String safe(URI uri) {
        if (uri == null) {
            return "null";
        }
        String info = uri.getRawUserInfo();
        if (info == null) {
            return uri.toString();
        }
        int colon = info.indexOf(':');
        String masked = colon < 0 ? info : info.substring(0, colon) + ":***";
        return uri.toString().replace(info + "@", masked + "@");
    }
}
