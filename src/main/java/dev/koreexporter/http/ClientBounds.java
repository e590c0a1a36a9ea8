package dev.koreexporter.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How many clients the HTTP server keeps and how long it waits for each (README "Reliability and security").
 *
 * @param maxConnections open connections at most ({@code server.max-connections})
 * @param headerTimeout  a request's line and headers must be complete this long after its first byte (after the
 *                       connection opened, for its first request; a TLS handshake included)
 * @param idleTimeout    a kept-alive connection that sends no next request is closed after this
 * @param writeTimeout   a response write the client does not take within this is abandoned: the connection closes
 * @param stall          while the server is full, a write blocked this long, or a connection not read for this
 *                       long since it opened (a TLS handshake the client does not finish), lets it be closed to make
 *                       room for a new client
 */
public record ClientBounds(int maxConnections, Duration headerTimeout, Duration idleTimeout, Duration writeTimeout,
                           Duration stall) {
    public ClientBounds {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        }
        for (Duration d : new Duration[] {headerTimeout, idleTimeout, writeTimeout, stall}) {
            if (Objects.requireNonNull(d, "timeout").isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
    }

    /**
     * The bounds the README promises: headers within 10 s, idle 60 s, unread responses 30 s; in a full server, half
     * a second stuck (longer than a swamped server takes to read a connection's first bytes) makes a connection
     * closable.
     */
    public static ClientBounds of(int maxConnections) {
        return new ClientBounds(maxConnections, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofMillis(500));
    }
}
