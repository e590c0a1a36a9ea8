package dev.koreexporter.simulator.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.simulator.SimBot;
import dev.koreexporter.simulator.SimulatorCommand;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /sim/*}: request statistics, ground truth summaries, faults and bots (never secrets). */
final class AdminService implements HttpService {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<SimBot> bots;
    private final RequestStats stats;
    private final GroundTruth truth;
    private final FaultControl faults;
    private final InstantSource clock;

    AdminService(List<SimBot> bots, RequestStats stats, GroundTruth truth, FaultControl faults, InstantSource clock) {
        this.bots = bots;
        this.stats = stats;
        this.truth = truth;
        this.faults = faults;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/sim/stats", (req, res) -> json(res, 200, statsJson()));
        rules.get("/sim/bots", (req, res) -> json(res, 200, bots.stream().map(b -> Map.of(
                "name", b.name(), "botId", b.botId(), "clientId", b.clientId(),
                "accountId", String.valueOf(b.accountId()), "channels", b.channels())).toList()));
        rules.get("/sim/truth", this::truth);
        rules.post("/sim/freeze", (req, res) -> {
            if (clock instanceof FreezableClock f) {
                json(res, 200, Map.of("now", f.freeze().toString()));
            } else {
                json(res, 409, Map.of("errors", List.of(Map.of("msg", "this simulator's clock cannot be frozen", "code", 409))));
            }
        });
        rules.post("/sim/thaw", (req, res) -> {
            if (clock instanceof FreezableClock f) {
                f.thaw();
                json(res, 200, Map.of("now", f.instant().toString()));
            } else {
                json(res, 409, Map.of("errors", List.of(Map.of("msg", "this simulator's clock cannot be frozen", "code", 409))));
            }
        });
        rules.get("/sim/faults", (req, res) -> json(res, 200, faults.active().stream().map(AdminService::faultJson).toList()));
        rules.post("/sim/faults", this::addFaults);
        rules.delete("/sim/faults", (req, res) -> {
            faults.clear();
            json(res, 200, List.of());
        });
    }

    private Map<String, Object> statsJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SimBot b : bots) {
            out.put(b.botId(), stats.bot(b.botId()));
        }
        return Map.of("bots", out);
    }

    /** {@code ?botId=} one bot; {@code ?horizon=} the session horizon of {@code countedWithinHorizon} (default 1h). */
    private void truth(ServerRequest req, ServerResponse res) {
        String botId = req.query().first("botId").orElse(null);
        Duration horizon;
        try {
            horizon = req.query().first("horizon").map(h -> SimulatorCommand.duration("horizon", h))
                    .orElse(GroundTruth.DEFAULT_HORIZON);
        } catch (IllegalArgumentException e) {
            json(res, 400, Map.of("errors", List.of(Map.of("msg", e.getMessage(), "code", 400))));
            return;
        }
        List<GroundTruth.Summary> out = new ArrayList<>();
        for (SimBot b : bots) {
            if (botId == null || botId.equals(b.botId())) {
                out.add(truth.summary(b.botId(), horizon));
            }
        }
        if (out.isEmpty()) {
            json(res, 404, Map.of("errors", List.of(Map.of("msg", "Bot not found", "code", 404))));
        } else {
            json(res, 200, Map.of("now", truth.now().toString(), "bots", out));
        }
    }

    private void addFaults(ServerRequest req, ServerResponse res) {
        List<Fault> added = new ArrayList<>();
        try {
            JsonNode body = MAPPER.readTree(req.content().as(byte[].class));
            for (JsonNode f : body.isArray() ? body : List.of(body)) {
                added.add(fault(f));
            }
        } catch (Exception e) {
            json(res, 400, Map.of("errors", List.of(Map.of("msg", "bad fault: " + e.getMessage(), "code", 400))));
            return;
        }
        added.forEach(faults::set);
        json(res, 200, faults.active().stream().map(AdminService::faultJson).toList());
    }

    static Fault fault(JsonNode f) {
        FaultType type = FaultType.fromWire(f.path("type").asText());
        String endpoint = f.path("endpoint").asText(null);
        Endpoint ep = endpoint == null ? null : Arrays.stream(Endpoint.values())
                .filter(e -> e.label().equals(endpoint)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown endpoint " + endpoint));
        return new Fault(type, f.path("botId").asText(null), ep,
                f.hasNonNull("count") ? f.get("count").intValue() : null,
                f.path("status").asInt(type == FaultType.SERVER_ERROR ? 503 : 0),
                Duration.ofMillis(f.path("delayMs").asLong(0)), Duration.ofMillis(f.path("skewMs").asLong(0)),
                f.path("retryAfter").asBoolean(true));
    }

    private static Map<String, Object> faultJson(Fault f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", f.type().wireName());
        m.put("botId", f.botId());
        m.put("endpoint", f.endpoint() == null ? null : f.endpoint().label());
        m.put("count", f.count());
        m.put("status", f.status());
        m.put("delayMs", f.delay().toMillis());
        m.put("skewMs", f.skew().toMillis());
        m.put("retryAfter", f.retryAfter());
        return m;
    }

    private static void json(ServerResponse res, int status, Object body) {
        try {
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
