package dev.pipeline.connectors.kafka.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Client configs as they may be shown: values of secret keys masked. */
public final class Configs {

    private Configs() {
    }

    /**
     * Whether {@code key} names a secret ({@code sasl.jaas.config}, {@code ssl.key.password}, ...).
     *
     * @param key a config key
     * @return true for secrets
     */
    public static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("jaas") || k.contains("password") || k.contains("secret") || k.contains("token")
                || k.contains("credential") || k.endsWith(".key");
    }

    /**
     * A copy of {@code config} with the values of secret keys replaced by {@code ****}.
     *
     * @param config client properties
     * @return a printable copy
     */
    public static Map<String, Object> masked(Map<String, ?> config) {
        Map<String, Object> out = new LinkedHashMap<>();
        config.forEach((k, v) -> out.put(k, secret(k) ? "****" : v));
        return out;
    }
}
