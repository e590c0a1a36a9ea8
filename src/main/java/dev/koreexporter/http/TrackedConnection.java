package dev.koreexporter.http;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.OptionalLong;

/**
 * One accepted connection as {@link ConnectionGuard} sees it: what it waits for from its client, and since when
 * (monotonic nanoseconds). Its own connection thread moves it along (reads, headers, writes); the guard reads it
 * from other threads, so each move replaces one immutable state.
 */
final class TrackedConnection {
    /** What the connection is doing. */
    enum Phase {
        /** Waiting for a request's line and headers: since the connection opened, or the request's first byte. */
        HEADERS,
        /** Headers read: the request is being answered. */
        REQUEST,
        /** Answered, kept alive, no byte of a next request yet. */
        IDLE
    }

    /** @param answered the request (phase REQUEST) wrote at least once: a read now waits for the next request */
    private record State(Phase phase, long since, boolean answered) {
    }

    private final Channel channel;
    private volatile State state;
    /** When the write in progress started; null when none is. */
    private volatile Long writingSince;
    /** When the connection's thread started waiting for bytes that have not come yet; null when it is not. */
    private volatile Long readingSince;
    /** Why the guard closed it; null unless it did. */
    private volatile ConnectionGuard.Reason closedFor;

    TrackedConnection(Channel channel, long now) {
        this.channel = channel;
        this.state = new State(Phase.HEADERS, now, false);
    }

    /** The connection thread is about to wait for bytes. */
    void readStarting(long now) {
        readingSince = now;
        State s = state;
        if (s.phase() == Phase.REQUEST && s.answered()) {
            state = new State(Phase.IDLE, now, false);
        }
    }

    /** Bytes arrived: after an idle wait, they start the next request, whose headers are now due. */
    void bytesRead(long now) {
        readingSince = null;
        if (state.phase() == Phase.IDLE) {
            state = new State(Phase.HEADERS, now, false);
        }
    }

    void headersRead(long now) {
        state = new State(Phase.REQUEST, now, false);
    }

    void writeStarting(long now) {
        writingSince = now;
    }

    void writeEnded() {
        writingSince = null;
        State s = state;
        if (s.phase() == Phase.REQUEST && !s.answered()) {
            state = new State(Phase.REQUEST, s.since(), true);
        }
    }

    Phase phase() {
        return state.phase();
    }

    /** Why this connection must be closed at {@code now}, or null while it is within its bounds. */
    ConnectionGuard.Reason overdue(long now, ClientBounds bounds) {
        State s = state;
        if (s.phase() == Phase.HEADERS && now - s.since() >= bounds.headerTimeout().toNanos()) {
            return ConnectionGuard.Reason.HEADER_TIMEOUT;
        }
        Long writing = writingSince;
        if (writing != null && now - writing >= bounds.writeTimeout().toNanos()) {
            return ConnectionGuard.Reason.WRITE_TIMEOUT;
        }
        // Idle connections are Helidon's own idle-connection-timeout's (ConnectionGuard#configure).
        return null;
    }

    /**
     * Since when this connection has been waiting on its client, if closing it would make room without failing
     * a client the server owes something: its thread waits for bytes of a request (headers or the next request),
     * or in a write blocked at least {@code stall}. Empty otherwise: while its request is worked on, and while
     * its thread has not read it yet (a request already sent may be waiting in the socket), unless that has lasted
     * {@code stall} too (a TLS handshake the client does not finish).
     */
    OptionalLong waitingOnClientSince(long now, ClientBounds bounds) {
        State s = state;
        long stalled = bounds.stall().toNanos();
        if (s.phase() != Phase.REQUEST) {
            return readingSince != null || now - s.since() >= stalled ? OptionalLong.of(s.since()) : OptionalLong.empty();
        }
        Long writing = writingSince;
        return writing != null && now - writing >= stalled ? OptionalLong.of(writing) : OptionalLong.empty();
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** Why the guard closed this connection, or null. */
    ConnectionGuard.Reason closedFor() {
        return closedFor;
    }

    /** Closing the socket wakes the connection's thread from its blocked read or write, which then ends it. */
    void close(ConnectionGuard.Reason reason) {
        closedFor = reason;
        try {
            channel.close();
        } catch (IOException e) {
            // already closed by the peer or the connection thread: nothing left to free
        }
    }
}
