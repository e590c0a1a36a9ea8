package dev.koreexporter.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.Headers;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Helidon's HTTP/1.1 connections, each telling its {@link TrackedConnection} when it waits for bytes, when bytes
 * arrive, when a request's headers are complete and while it writes: what {@link ConnectionGuard}'s deadlines and
 * its choice of a connection to close are made of. The connection reads and writes through the context it is
 * given, so wrapping that context is enough; nothing of Helidon's HTTP handling is replaced.
 */
final class GuardedHttp1 implements ServerConnectionSelector {
    private final ConnectionGuard guard;
    private final Http1ConnectionSelector http1;

    GuardedHttp1(ConnectionGuard guard) {
        this.guard = guard;
        Http1ConnectionListener headersRead = new Http1ConnectionListener() {
            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                if (ctx instanceof Context c) {
                    c.tracked().headersRead(guard.now());
                }
            }
        };
        this.http1 = Http1ConnectionSelector.builder()
                .config(Http1Config.builder().addReceiveListener(headersRead).build())
                .build();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        SocketAddress peer = ctx.remotePeer().address();
        return guard.tracked(peer)
                .<ServerConnection>map(t -> new Connection(http1.connection(new Context(ctx, t, guard)), peer, t, guard))
                .orElseGet(() -> http1.connection(ctx));
    }

    /** Helidon's connection, unregistered from the guard when it ends. */
    private record Connection(ServerConnection delegate, SocketAddress peer, TrackedConnection tracked,
                              ConnectionGuard guard) implements ServerConnection, InterruptableTask<Void> {
        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                delegate.handle(limit);
            } finally {
                guard.ended(peer, tracked);
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }

        /** Helidon interrupts, when stopping, the connections that wait for a next request. */
        @Override
        public boolean canInterrupt() {
            return delegate instanceof InterruptableTask<?> task && task.canInterrupt();
        }
    }

    /** Helidon's connection context with a reader and a writer that report to the tracked connection. */
    private record Context(ConnectionContext delegate, TrackedConnection tracked, ConnectionGuard guard,
                           DataReader reader, DataWriter writer) implements ConnectionContext {
        Context(ConnectionContext delegate, TrackedConnection tracked, ConnectionGuard guard) {
            this(delegate, tracked, guard, reader(delegate.dataReader(), tracked, guard),
                    new Writer(delegate.dataWriter(), tracked, guard));
        }

        /**
         * Each pull of the connection's reader is one blocking read of the socket by Helidon's own reader
         * (nothing has read it before: HTTP/1 is the only protocol, so Helidon picks it without peeking).
         */
        private static DataReader reader(DataReader socket, TrackedConnection tracked, ConnectionGuard guard) {
            return DataReader.create(() -> {
                if (socket.available() == 0) {
                    tracked.readStarting(guard.now());
                    guard.waitingOnClient();
                    try {
                        socket.pullData();
                    } catch (DataReader.InsufficientDataAvailableException e) {
                        // Helidon logs an end of stream inside a request's headers as a server error, with its
                        // stack trace: one log flood per connection flood. A client gone before its headers were
                        // complete (or a connection the guard closed) ends quietly, as a reset one does.
                        ConnectionGuard.Reason closed = tracked.closedFor();
                        if (closed != null || tracked.phase() == TrackedConnection.Phase.HEADERS) {
                            throw new CloseConnectionException(closed != null ? "closed by the server: "
                                    + closed.label() : "closed by the client before its request headers");
                        }
                        return null; // end of stream, reported the same way by the reader returned
                    }
                }
                tracked.bytesRead(guard.now());
                return socket.readBytes(socket.available());
            });
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public DataWriter dataWriter() {
            return writer;
        }

        @Override
        public ListenerContext listenerContext() {
            return delegate.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return delegate.executor();
        }

        @Override
        public Router router() {
            return delegate.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return delegate.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return delegate.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return delegate.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return delegate.localPeer();
        }

        @Override
        public boolean isSecure() {
            return delegate.isSecure();
        }

        @Override
        public String socketId() {
            return delegate.socketId();
        }

        @Override
        public String childSocketId() {
            return delegate.childSocketId();
        }
    }

    /**
     * Times every write: one the client does not take is what the write deadline bounds. A write that fails
     * because the guard closed the connection ends it quietly: Helidon would log each as a failed request, with
     * its stack trace.
     */
    private record Writer(DataWriter delegate, TrackedConnection tracked, ConnectionGuard guard) implements DataWriter {
        @Override
        public void write(BufferData... buffers) {
            timed(() -> delegate.write(buffers));
        }

        @Override
        public void write(BufferData buffer) {
            timed(() -> delegate.write(buffer));
        }

        @Override
        public void writeNow(BufferData... buffers) {
            timed(() -> delegate.writeNow(buffers));
        }

        @Override
        public void writeNow(BufferData buffer) {
            timed(() -> delegate.writeNow(buffer));
        }

        @Override
        public void flush() {
            timed(delegate::flush);
        }

        @Override
        public void close() {
            delegate.close();
        }

        private void timed(Runnable write) {
            tracked.writeStarting(guard.now());
            try {
                write.run();
            } catch (RuntimeException e) {
                ConnectionGuard.Reason closed = tracked.closedFor();
                if (closed != null) {
                    throw new CloseConnectionException("closed by the server: " + closed.label(), e);
                }
                throw e;
            } finally {
                tracked.writeEnded();
            }
        }
    }
}
