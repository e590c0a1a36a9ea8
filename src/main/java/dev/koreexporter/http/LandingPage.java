package dev.koreexporter.http;

import dev.koreexporter.poll.BotStatus;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.function.Supplier;

/** {@code /}: version, each bot's last success, watermark and last error (no secrets), and links. */
public final class LandingPage implements HttpService {
    private final String version;
    private final Supplier<List<BotStatus>> bots;

    public LandingPage(String version, Supplier<List<BotStatus>> bots) {
        this.version = version;
        this.bots = bots;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::page);
    }

    private void page(ServerRequest req, ServerResponse res) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>kore-exporter</title></head><body>")
                .append("<h1>kore-exporter</h1><p>Version ").append(escape(version)).append("</p>")
                .append("<p><a href=\"/metrics\">Metrics</a> · <a href=\"/health/ready\">Readiness</a> · ")
                .append("<a href=\"/health/live\">Liveness</a></p>")
                .append("<table border=\"1\" cellpadding=\"4\"><tr><th>bot</th><th>cycles</th><th>last cycle</th>")
                .append("<th>last success</th><th>watermark</th><th>last error</th></tr>");
        for (BotStatus s : bots.get()) {
            html.append("<tr><td>").append(escape(s.bot())).append("</td><td>").append(s.cyclesCompleted())
                    .append("</td><td>").append(s.cyclesCompleted() == 0 ? "pending" : s.lastCycleOk() ? "ok" : "failed")
                    .append("</td><td>").append(s.lastSuccess() == null ? "never" : s.lastSuccess())
                    .append("</td><td>").append(s.watermark() == null ? "-" : s.watermark())
                    .append("</td><td>").append(s.lastError() == null ? "" : escape(s.lastError()))
                    .append("</td></tr>");
        }
        html.append("</table></body></html>");
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(html.toString());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
