package dev.koreexporter.http;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard's deadlines and its choice of a connection to close in a full server, on a hand-driven monotonic
 * clock (README "Reliability and security": headers within 10 s, unread responses 30 s, room for new clients).
 */
class ConnectionGuardTest {
    private static final ClientBounds BOUNDS = ClientBounds.of(3);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ConnectionGuard guard = new ConnectionGuard(BOUNDS, nanos::get);
    private int nextPort = 40_000;

    @AfterEach
    void stop() {
        guard.close();
    }

    private static final class FakeSocket implements Channel {
        private volatile boolean open = true;

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    private record Accepted(InetSocketAddress peer, FakeSocket socket, TrackedConnection connection) {
    }

    private Accepted accept() {
        FakeSocket socket = new FakeSocket();
        TrackedConnection c = new TrackedConnection(socket, nanos.get());
        InetSocketAddress peer = new InetSocketAddress("127.0.0.1", nextPort++);
        guard.accepted(peer, c);
        return new Accepted(peer, socket, c);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void requestHeadersAreDueTenSecondsAfterTheConnectionOpens() {
        Accepted slow = accept();
        slow.connection().readStarting(nanos.get());
        slow.connection().bytesRead(nanos.get());
        advance(Duration.ofMillis(9_999));
        guard.sweep();
        assertTrue(slow.socket().isOpen());

        advance(Duration.ofMillis(1));
        guard.sweep();
        assertFalse(slow.socket().isOpen());
        assertEquals(1, guard.closed(ConnectionGuard.Reason.HEADER_TIMEOUT));
        assertEquals(ConnectionGuard.Reason.HEADER_TIMEOUT, slow.connection().closedFor());
    }

    @Test
    void aKeptAliveConnectionWaitsForItsNextRequestWithoutAHeaderDeadline() {
        Accepted c = accept();
        TrackedConnection t = c.connection();
        t.bytesRead(nanos.get());
        t.headersRead(nanos.get());
        t.writeStarting(nanos.get());
        t.writeEnded();
        t.readStarting(nanos.get());
        assertEquals(TrackedConnection.Phase.IDLE, t.phase());

        // Idle connections are Helidon's idle-connection-timeout's: the guard leaves them alone.
        advance(Duration.ofMinutes(5));
        guard.sweep();
        assertTrue(c.socket().isOpen());

        // The next request's first bytes start its header deadline.
        t.bytesRead(nanos.get());
        advance(Duration.ofSeconds(9));
        guard.sweep();
        assertTrue(c.socket().isOpen());
        advance(Duration.ofSeconds(1));
        guard.sweep();
        assertFalse(c.socket().isOpen());
    }

    @Test
    void aRequestBeingWorkedOnHasNoDeadlineButAWriteTheClientDoesNotTakeHasThirtySeconds() {
        Accepted c = accept();
        TrackedConnection t = c.connection();
        t.bytesRead(nanos.get());
        t.headersRead(nanos.get());
        advance(Duration.ofMinutes(2));
        guard.sweep();
        assertTrue(c.socket().isOpen(), "a slow handler is not the client's fault");

        t.writeStarting(nanos.get());
        advance(Duration.ofMillis(29_999));
        guard.sweep();
        assertTrue(c.socket().isOpen());
        advance(Duration.ofMillis(1));
        guard.sweep();
        assertFalse(c.socket().isOpen());
        assertEquals(1, guard.closed(ConnectionGuard.Reason.WRITE_TIMEOUT));
    }

    @Test
    void aFullServerClosesTheConnectionWaitingLongestOnItsClientNeverOneBeingServed() {
        Accepted partial = accept();                       // waits for its headers since t0
        advance(Duration.ofSeconds(1));
        Accepted served = accept();
        served.connection().bytesRead(nanos.get());
        served.connection().headersRead(nanos.get());     // its request is being worked on
        advance(Duration.ofSeconds(1));
        Accepted idle = accept();
        idle.connection().headersRead(nanos.get());
        idle.connection().writeStarting(nanos.get());
        idle.connection().writeEnded();
        advance(Duration.ofSeconds(1));
        idle.connection().readStarting(nanos.get());      // idle since t0 + 3 s
        advance(Duration.ofSeconds(1));

        Accepted first = accept();
        assertFalse(partial.socket().isOpen(), "the oldest wait is closed first");
        assertTrue(served.socket().isOpen() && idle.socket().isOpen() && first.socket().isOpen());
        Accepted second = accept();
        assertFalse(idle.socket().isOpen());
        assertTrue(served.socket().isOpen() && first.socket().isOpen() && second.socket().isOpen());
        assertEquals(2, guard.closed(ConnectionGuard.Reason.EVICTED));
        assertEquals(3, guard.openConnections());
    }

    @Test
    void aConnectionNotReadYetIsNotClosedToMakeRoomUntilItWaitsOnItsClient() throws Exception {
        Accepted[] served = {accept(), accept()};
        for (Accepted a : served) {
            a.connection().headersRead(nanos.get());
        }
        // Accepted, its thread not yet reading: its request may already be in the socket.
        Accepted unread = accept();
        CompletableFuture<Accepted> newcomer = CompletableFuture.supplyAsync(this::accept);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !newcomer.isDone());

        // Its thread reads and finds nothing: now it waits on its client.
        unread.connection().readStarting(nanos.get());
        newcomer.get(5, TimeUnit.SECONDS);
        assertFalse(unread.socket().isOpen());
        assertTrue(served[0].socket().isOpen() && served[1].socket().isOpen());
    }

    @Test
    void aConnectionNeverReadForTheStallTimeMakesRoom() throws Exception {
        Accepted[] served = {accept(), accept()};
        for (Accepted a : served) {
            a.connection().headersRead(nanos.get());
        }
        Accepted handshaking = accept(); // e.g. a TLS handshake the client never finishes
        advance(BOUNDS.stall().minusMillis(1));
        CompletableFuture<Accepted> newcomer = CompletableFuture.supplyAsync(this::accept);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !newcomer.isDone());
        advance(Duration.ofMillis(1));
        newcomer.get(5, TimeUnit.SECONDS);
        assertFalse(handshaking.socket().isOpen());
    }

    @Test
    void aStalledWriteMakesRoomOnlyOnceItHasBeenBlockedForTheStallTime() throws Exception {
        Accepted[] busy = {accept(), accept(), accept()};
        for (Accepted a : busy) {
            a.connection().headersRead(nanos.get());
        }
        busy[1].connection().writeStarting(nanos.get());
        advance(BOUNDS.stall().minusMillis(1));
        CompletableFuture<Accepted> newcomer = CompletableFuture.supplyAsync(this::accept);
        // Every connection has a request being worked on: the listener waits, as at a connection cap.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !newcomer.isDone());

        advance(Duration.ofMillis(1));
        Accepted admitted = newcomer.get(5, TimeUnit.SECONDS);
        assertFalse(busy[1].socket().isOpen(), "the stalled write made room");
        assertTrue(busy[0].socket().isOpen() && busy[2].socket().isOpen() && admitted.socket().isOpen());
    }

    @Test
    void aListenerWaitingAtTheCapGoesOnWhenAConnectionEnds() throws Exception {
        Accepted[] busy = {accept(), accept(), accept()};
        for (Accepted a : busy) {
            a.connection().headersRead(nanos.get());
        }
        CompletableFuture<Accepted> newcomer = CompletableFuture.supplyAsync(this::accept);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !newcomer.isDone());

        busy[0].socket().close();
        guard.ended(busy[0].peer(), busy[0].connection());
        newcomer.get(5, TimeUnit.SECONDS);
        assertEquals(0, guard.closed(ConnectionGuard.Reason.EVICTED));
        assertEquals(3, guard.openConnections());
    }
}
