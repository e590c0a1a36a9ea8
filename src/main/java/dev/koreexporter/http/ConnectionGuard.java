package dev.koreexporter.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServerConfig;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Bounds the HTTP server's clients (README "Reliability and security"). Helidon 4.4.0 closes idle connections
 * ({@code idle-connection-timeout}); the rest is done here: a deadline for request headers, a deadline for a
 * response write the client does not take, and the connection cap. Helidon's own cap ({@code
 * max-tcp-connections}) is not used: it stops accepting once full, so a few hundred connections that never send
 * their headers keep every scrape waiting in the kernel's backlog, and in 4.4.0 it loses a slot for good on every
 * connection that fails before its HTTP handling starts (a failed TLS handshake). Here, a connection accepted
 * into a full server closes the connection that has waited longest on its client (for its request, or in a
 * stalled write), never one whose request is being worked on; if every connection has one, the listener waits.
 *
 * <p>Each accepted socket is registered by {@link #configure}'s accept hook (Helidon applies its {@code
 * SocketOptions} to every accepted socket, on the listener thread, before anything reads it); its HTTP/1
 * connection reports reads, headers and writes through {@link GuardedHttp1}. One thread sweeps for deadlines.
 */
public final class ConnectionGuard implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());

    /** Why the server closed a connection on its own (label {@code reason} of the closed-connections counter). */
    public enum Reason {
        HEADER_TIMEOUT("header_timeout"), WRITE_TIMEOUT("write_timeout"), EVICTED("evicted");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final long ROOM_RECHECK_MILLIS = 50;

    private final ClientBounds bounds;
    private final LongSupplier nanoTime;
    private final Map<SocketAddress, TrackedConnection> open = new ConcurrentHashMap<>();
    private final AtomicLongArray closed = new AtomicLongArray(Reason.values().length);
    private final ScheduledExecutorService sweeper;
    /** The listener waits in {@link #accepted} for a connection to close (then reads tell it at once). */
    private volatile boolean listenerWaiting;

    /** @param nanoTime monotonic time ({@code System::nanoTime}; tests pass their own) */
    public ConnectionGuard(ClientBounds bounds, LongSupplier nanoTime) {
        this.bounds = bounds;
        this.nanoTime = nanoTime;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("http-connection-guard").daemon(true).factory());
        long period = sweepPeriod(bounds).toNanos();
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
    }

    public ConnectionGuard(ClientBounds bounds) {
        this(bounds, System::nanoTime);
    }

    /**
     * Sets up {@code server}: Helidon's idle timeout, {@code socket} for every accepted connection, and HTTP/1
     * through {@link GuardedHttp1} (the only protocol served).
     */
    public WebServerConfig.Builder configure(WebServerConfig.Builder server, SocketOptions socket) {
        return server.idleConnectionTimeout(bounds.idleTimeout())
                .idleConnectionPeriod(idleCheckPeriod(bounds))
                .connectionOptions(new AcceptHook(socket, this))
                .protocolsDiscoverServices(false)
                .addConnectionSelector(new GuardedHttp1(this));
    }

    /** Connections the server closed for {@code reason} so far. */
    public long closed(Reason reason) {
        return closed.get(reason.ordinal());
    }

    /** Connections registered and not yet seen closed. */
    int openConnections() {
        open.values().removeIf(c -> !c.isOpen());
        return open.size();
    }

    long now() {
        return nanoTime.getAsLong();
    }

    ClientBounds bounds() {
        return bounds;
    }

    /**
     * A socket was accepted (listener thread, before anything reads it). In a full server, the connection that
     * has waited longest on its client is closed to make room; when every connection has a request being worked
     * on, the listener waits here for one to end, as a connection cap does before accepting.
     */
    void accepted(SocketAddress peer, TrackedConnection connection) {
        synchronized (this) {
            try {
                while (!roomFor(connection)) {
                    // Woken when a connection ends or starts waiting for its client's bytes; a write that stalls
                    // does not tell: look again soon.
                    listenerWaiting = true;
                    wait(ROOM_RECHECK_MILLIS);
                }
            } catch (InterruptedException e) {
                // The server is stopping: it closes this connection with the others.
                Thread.currentThread().interrupt();
            } finally {
                listenerWaiting = false;
            }
            TrackedConnection before = open.put(peer, connection);
            if (before != null) {
                // The same peer address again: the old socket is gone, whatever its thread still believes.
                before.close(Reason.EVICTED);
            }
        }
    }

    /** The tracked state of the connection from {@code peer}, if its socket was registered. */
    Optional<TrackedConnection> tracked(SocketAddress peer) {
        return Optional.ofNullable(open.get(peer));
    }

    /** The connection's thread has finished with it: a listener waiting for room may go on. */
    synchronized void ended(SocketAddress peer, TrackedConnection connection) {
        open.remove(peer, connection);
        notifyAll();
    }

    /** A connection's thread waits for its client now: a listener waiting for room may close it. */
    void waitingOnClient() {
        if (listenerWaiting) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Whether {@code newcomer} fits beside the open connections, after closing the one that has waited longest on
     * its client if the server is full. Never closes a connection whose request is being worked on.
     */
    private boolean roomFor(TrackedConnection newcomer) {
        open.values().removeIf(c -> !c.isOpen());
        if (open.size() < bounds.maxConnections()) {
            return true;
        }
        long now = now();
        Map.Entry<SocketAddress, TrackedConnection> victim = null;
        long oldest = 0;
        for (Map.Entry<SocketAddress, TrackedConnection> e : open.entrySet()) {
            OptionalLong since = e.getValue() == newcomer ? OptionalLong.empty()
                    : e.getValue().waitingOnClientSince(now, bounds);
            if (since.isPresent() && (victim == null || since.getAsLong() - oldest < 0)) {
                victim = e;
                oldest = since.getAsLong();
            }
        }
        if (victim == null) {
            return false;
        }
        shut(victim.getKey(), victim.getValue(), Reason.EVICTED);
        return open.size() < bounds.maxConnections();
    }

    /** Closes every connection past a deadline; forgets the closed ones. */
    void sweep() {
        try {
            long now = now();
            open.forEach((peer, c) -> {
                if (!c.isOpen()) {
                    open.remove(peer, c);
                    return;
                }
                Reason overdue = c.overdue(now, bounds);
                if (overdue != null) {
                    shut(peer, c, overdue);
                }
            });
        } catch (RuntimeException e) {
            // The sweeper must survive anything one connection does; the next sweep tries again.
            LOG.warning(() -> "http connection guard: " + e);
        }
    }

    private void shut(SocketAddress peer, TrackedConnection c, Reason reason) {
        if (open.remove(peer, c)) {
            closed.incrementAndGet(reason.ordinal());
            c.close(reason);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /** Deadlines are checked this often: a twentieth of the shortest, so they hold within 5 %. */
    static Duration sweepPeriod(ClientBounds b) {
        Duration shortest = b.headerTimeout().compareTo(b.writeTimeout()) < 0 ? b.headerTimeout() : b.writeTimeout();
        Duration period = shortest.dividedBy(20);
        return period.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : period;
    }

    /** Helidon checks idle connections this often (its idle clock ticks once a second). */
    private static Duration idleCheckPeriod(ClientBounds b) {
        Duration period = b.idleTimeout().dividedBy(12);
        return period.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : period;
    }

    /**
     * The listener's socket options, plus the guard's registration of every accepted socket: Helidon applies
     * the options to each accepted socket on the listener thread, before the connection's thread reads it.
     */
    private record AcceptHook(SocketOptions delegate, ConnectionGuard guard) implements SocketOptions {
        @Override
        public void configureSocket(SocketChannel socket) {
            delegate.configureSocket(socket);
            try {
                guard.accepted(socket.getRemoteAddress(), new TrackedConnection(socket, guard.now()));
            } catch (IOException e) {
                // The peer is already gone: Helidon closes the socket when it finds out.
            }
        }

        @Override
        public void configureSocket(Socket socket) {
            delegate.configureSocket(socket);
        }

        @Override
        public Map<SocketOption<?>, Object> socketOptions() {
            return delegate.socketOptions();
        }

        @Override
        public Duration connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public Duration readTimeout() {
            return delegate.readTimeout();
        }

        @Override
        public Optional<Integer> socketReceiveBufferSize() {
            return delegate.socketReceiveBufferSize();
        }

        @Override
        public Optional<Integer> socketSendBufferSize() {
            return delegate.socketSendBufferSize();
        }

        @Override
        public boolean socketReuseAddress() {
            return delegate.socketReuseAddress();
        }

        @Override
        public boolean socketKeepAlive() {
            return delegate.socketKeepAlive();
        }

        @Override
        public boolean tcpNoDelay() {
            return delegate.tcpNoDelay();
        }
    }
}
