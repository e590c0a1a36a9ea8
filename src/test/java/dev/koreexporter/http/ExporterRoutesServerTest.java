package dev.koreexporter.http;

import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;

/** The routes over a real socket, on a free port. */
@ServerTest
class ExporterRoutesServerTest extends ExporterRoutesTestBase {
    ExporterRoutesServerTest(Http1Client client) {
        super(client);
    }

    /** As the daemon's server: blocking sockets (Helidon 4.4.0's NIO ones stall on large responses). */
    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        server.useNio(false);
    }
}
