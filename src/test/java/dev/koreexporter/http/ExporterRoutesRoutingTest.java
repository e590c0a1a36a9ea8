package dev.koreexporter.http;

import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;

/** The routes without sockets. */
@RoutingTest
class ExporterRoutesRoutingTest extends ExporterRoutesTestBase {
    ExporterRoutesRoutingTest(DirectClient client) {
        super(client);
    }
}
