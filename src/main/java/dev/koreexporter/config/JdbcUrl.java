package dev.koreexporter.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * {@code state.postgresql.url}: {@code jdbc:postgresql://host[:port]/database}, optionally with driver
 * parameters ({@code ?sslmode=require}) but never the password, which is a secret of its own key. Messages
 * never echo the URL.
 */
final class JdbcUrl {
    private static final String PREFIX = "jdbc:postgresql://";

    private JdbcUrl() {
    }

    /** The URL as written, or null when it is not one. */
    static String check(String text) {
        return shape(text) && !hasPassword(text) ? text.strip() : null;
    }

    static String problem(String text) {
        return shape(text) && hasPassword(text)
                ? "must not hold the password (set state.postgresql.password or password-file)"
                : "must be a jdbc:postgresql://host:port/db URL";
    }

    private static boolean shape(String text) {
        String t = text.strip();
        if (!t.startsWith(PREFIX)) {
            return false;
        }
        try {
            URI uri = new URI(t.substring("jdbc:".length()));
            String db = uri.getPath() == null ? "" : uri.getPath();
            return uri.getHost() != null && uri.getUserInfo() == null && uri.getFragment() == null
                    && (uri.getPort() == -1 || uri.getPort() > 0 && uri.getPort() <= 65535)
                    && db.matches("/[^/]+");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean hasPassword(String text) {
        int q = text.indexOf('?');
        if (q < 0) {
            return false;
        }
        for (String param : text.substring(q + 1).split("&")) {
            if (param.strip().toLowerCase(Locale.ROOT).startsWith("password=")) {
                return true;
            }
        }
        return false;
    }
}
