package dev.koreexporter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.koreexporter.poll.BotStatus;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code /health/live} (200 while serving and no poller is stuck) and {@code /health/ready}: 200 once every
 * bot has finished a cycle, successful or not, and its checkpoint can be written; the JSON body gives each
 * bot's status. A bot this process does not poll (standby, or stopped by an unreadable checkpoint) is ready
 * after its first attempt, as a bot with bad credentials is (README "Reliability and security").
 */
public final class HealthService implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Supplier<List<BotStatus>> bots;
    private final Supplier<List<String>> stuck;

    public HealthService(Supplier<List<BotStatus>> bots) {
        this(bots, List::of);
    }

    /** @param stuck the bots whose poller has not finished a cycle for too long (then live answers 503) */
    public HealthService(Supplier<List<BotStatus>> bots, Supplier<List<String>> stuck) {
        this.bots = bots;
        this.stuck = stuck;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/live", this::live);
        rules.get("/ready", this::ready);
    }

    private void live(ServerRequest req, ServerResponse res) {
        List<String> stuckBots = stuck.get();
        ObjectNode body = JSON.createObjectNode().put("status", stuckBots.isEmpty() ? "UP" : "DOWN");
        if (!stuckBots.isEmpty()) {
            stuckBots.forEach(body.putArray("stuckPollers")::add);
        }
        json(res, stuckBots.isEmpty() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        List<BotStatus> statuses = bots.get();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("bots");
        boolean ready = true;
        for (BotStatus s : statuses) {
            boolean polled = s.mode() == BotStatus.Mode.POLLED;
            boolean botReady = s.cyclesCompleted() > 0 && (s.checkpointOk() || !polled);
            ready &= botReady;
            ObjectNode b = list.addObject();
            b.put("bot", s.bot());
            b.put("polling", s.mode().name().toLowerCase(Locale.ROOT));
            b.put("ready", botReady);
            b.put("cycles", s.cyclesCompleted());
            b.put("lastCycleOk", s.lastCycleOk());
            b.put("lastSuccess", s.lastSuccess() == null ? null : s.lastSuccess().toString());
            b.put("watermark", s.watermark() == null ? null : s.watermark().toString());
            b.put("checkpointOk", s.checkpointOk());
            b.put("lastError", s.lastError());
        }
        body.put("status", ready ? "UP" : "DOWN");
        json(res, ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }

    private static void json(ServerResponse res, Status status, ObjectNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.toString());
    }
}
