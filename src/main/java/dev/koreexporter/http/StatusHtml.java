package dev.koreexporter.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.koreexporter.http.HtmlText.DASH;
import static dev.koreexporter.http.HtmlText.escape;

/**
 * The status page's HTML: one self-contained document (inline CSS, no script, no external asset) so it
 * works offline, behind a proxy and under a strict Content-Security-Policy.
 */
final class StatusHtml {
    static final String DOCTOR = "java -jar kore-exporter.jar doctor --config FILE";

    private static final String CSS = """
            :root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
            header{background:#24292f;color:#fff;padding:14px 28px;display:flex;align-items:baseline;gap:16px;flex-wrap:wrap}
            header h1{font-size:20px;margin:0;font-weight:600}
            header .version{color:#c9d1d9}
            header .summary{margin-left:auto;font-weight:600;padding:3px 12px;border-radius:999px}
            main{padding:20px 28px;max-width:1400px}
            .card{background:#fff;border:1px solid var(--line);border-radius:8px;overflow:hidden;margin-bottom:20px}
            .card h2{font-size:15px;margin:0;padding:10px 14px;border-bottom:1px solid var(--line);background:#fbfcfd}
            table{border-collapse:collapse;width:100%}
            th{font-size:12px;font-weight:600;color:var(--muted);text-align:left;padding:8px 12px;border-bottom:1px solid var(--line);white-space:nowrap;vertical-align:bottom}
            th small{display:block;font-weight:400}
            td{padding:10px 12px;border-top:1px solid #eaeef2;vertical-align:top;white-space:nowrap}
            td.name{border-left:4px solid transparent}
            tr.bot td{border-top:1px solid var(--line)}
            td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            th.num{text-align:right}
            .name{font-weight:600;font-size:15px}
            .sub{display:block;color:var(--muted);font-size:12px;font-weight:400}
            .badge{display:inline-block;font-weight:600;font-size:12px;padding:2px 10px;border-radius:999px;border:1px solid}
            .bar{display:flex;height:8px;width:160px;border-radius:4px;overflow:hidden;background:#eaeef2;margin:4px 0}
            .bar span{display:block;height:100%}
            .legend{font-size:12px;color:var(--muted);white-space:normal;max-width:230px}
            .legend span.item{display:inline-block;white-space:nowrap;margin-right:8px;max-width:230px;overflow:hidden;text-overflow:ellipsis;vertical-align:top}
            .dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:4px}
            tr.error td{padding-top:0;border-top:0;white-space:normal}
            .err{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:6px 10px;border-radius:6px;word-break:break-word}
            .err.now{background:#ffebe9;color:#82071e}
            .err.past{background:#f6f8fa;color:var(--muted)}
            .links{padding:12px 14px;display:flex;gap:24px;flex-wrap:wrap}
            .links a{color:#0969da;font-weight:600;text-decoration:none}
            .links a:hover{text-decoration:underline}
            code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eff2f5;padding:2px 6px;border-radius:4px}
            p.note{color:var(--muted);font-size:12px;margin:0;padding:8px 14px 12px}
            """;

    private StatusHtml() {
    }

    static String render(String version, Instant now, List<BotRow> rows) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .append("<title>kore-exporter</title><style>").append(CSS).append("</style></head><body>");
        header(h, version, rows);
        h.append("<main><section class=\"card\"><h2>Bots</h2><table><thead><tr>")
                .append("<th>Bot</th><th>State</th><th>Last success</th><th class=\"num\">Watermark lag</th>")
                .append("<th class=\"num\">Freshness<small>p90 record delay</small></th>")
                .append("<th class=\"num\">API budget used<small>1 min / 1 h</small></th>")
                .append("<th class=\"num\">Turns/min</th><th class=\"num\">Turn latency<small>p50 / p90</small></th>")
                .append("<th>Containment<small>share of closed sessions</small></th></tr></thead><tbody>");
        for (BotRow r : rows) {
            row(h, now, r);
        }
        if (rows.isEmpty()) {
            h.append("<tr><td colspan=\"9\">No bots configured.</td></tr>");
        }
        h.append("</tbody></table><p class=\"note\">Rendered ").append(HtmlText.time(now))
                .append(". Turns and latency cover the last 15 min (less just after a start: the window is shown);")
                .append(" freshness is how long after its own time a record was counted; budget is the share of")
                .append(" the Kore.ai rate limits (per minute, per hour) used.</p></section>");
        h.append("<section class=\"card\"><h2>Endpoints</h2><div class=\"links\">")
                .append("<a href=\"/metrics\">/metrics</a><a href=\"/health/ready\">/health/ready</a>")
                .append("<a href=\"/health/live\">/health/live</a></div>")
                .append("<p class=\"note\">Check a config against Kore.ai without counting anything: <code>")
                .append(escape(DOCTOR)).append("</code></p></section></main></body></html>");
        return h.toString();
    }

    private static void header(StringBuilder h, String version, List<BotRow> rows) {
        long ok = rows.stream().filter(r -> r.state() == BotState.OK).count();
        BotState worst = rows.stream().map(BotRow::state)
                .filter(s -> s != BotState.OK).findFirst().orElse(BotState.OK);
        if (rows.stream().anyMatch(r -> r.state() == BotState.FAILING)) {
            worst = BotState.FAILING;
        }
        h.append("<header><h1>kore-exporter</h1><span class=\"version\">version ").append(escape(version))
                .append("</span><span class=\"summary\" id=\"summary\" style=\"color:").append(worst.colour)
                .append(";background:").append(worst.background).append("\">").append(ok).append(" of ")
                .append(rows.size()).append(rows.size() == 1 ? " bot" : " bots").append(" ok</span></header>");
    }

    private static void row(StringBuilder h, Instant now, BotRow r) {
        String bot = escape(r.bot());
        h.append("<tr class=\"bot\" data-bot=\"").append(bot).append("\"><td class=\"name\" style=\"border-left-color:")
                .append(r.state().colour).append("\">").append(bot)
                .append("</td><td><span class=\"badge state\" style=\"color:").append(r.state().colour)
                .append(";background:").append(r.state().background).append(";border-color:").append(r.state().colour)
                .append("\">").append(r.state().label).append("</span>");
        if (r.stateDetail() != null) {
            h.append("<span class=\"sub\">").append(escape(r.stateDetail())).append("</span>");
        }
        h.append("</td><td class=\"last-success\">");
        if (r.lastSuccess() == null) {
            h.append("never");
        } else {
            h.append("<span title=\"").append(HtmlText.time(r.lastSuccess())).append("\">")
                    .append(HtmlText.timeSeenFrom(r.lastSuccess(), now)).append("</span><span class=\"sub\">")
                    .append(HtmlText.duration(Duration.between(r.lastSuccess(), now).toMillis() / 1000.0))
                    .append(" ago</span>");
        }
        h.append("</td><td class=\"num lag\">").append(HtmlText.duration(r.lagSeconds()))
                .append("</td><td class=\"num freshness\">").append(HtmlText.duration(r.freshnessP90()));
        if (r.freshnessP90().isPresent()) {
            h.append("<span class=\"sub\">").append(r.freshnessSinceStart() ? "since start" : window(r)).append("</span>");
        }
        h.append("</td><td class=\"num budget\">").append(HtmlText.percent(r.budgetMinute())).append(" / ")
                .append(HtmlText.percent(r.budgetHour()))
                .append("</td><td class=\"num turns\">").append(HtmlText.rate(r.turnsPerMinute()))
                .append("<span class=\"sub\">").append(window(r)).append("</span>")
                .append("</td><td class=\"num latency\">").append(HtmlText.latency(r.p50())).append(" / ")
                .append(HtmlText.latency(r.p90()))
                .append("</td><td class=\"containment\">");
        containment(h, r.containment());
        h.append("</td></tr>");
        if (r.lastError() != null && !r.lastError().isEmpty()) {
            h.append("<tr class=\"error\"><td></td><td colspan=\"8\"><div class=\"err ")
                    .append(r.state() == BotState.FAILING || r.state() == BotState.STOPPED ? "now" : "past")
                    .append("\">last error: ").append(HtmlText.error(r.lastError())).append("</div></td></tr>");
        }
    }

    private static String window(BotRow r) {
        if (r.window() == null) {
            return "collecting";
        }
        long minutes = Math.round(r.window().toMillis() / 60_000.0);
        return "last " + Math.max(1, minutes) + " min";
    }

    private static void containment(StringBuilder h, Map<String, Double> shares) {
        if (shares.isEmpty()) {
            h.append(DASH);
            return;
        }
        StringBuilder bar = new StringBuilder("<div class=\"bar\">");
        StringBuilder legend = new StringBuilder("<div class=\"legend\">");
        for (Map.Entry<String, Double> e : shares.entrySet()) {
            String colour = colour(e.getKey());
            long pct = Math.round(e.getValue() * 100);
            bar.append("<span style=\"width:").append(Math.max(0, Math.min(100, pct))).append("%;background:")
                    .append(colour).append("\"></span>");
            legend.append("<span class=\"item\"><span class=\"dot\" style=\"background:").append(colour)
                    .append("\"></span>").append(escape(label(e.getKey()))).append(' ').append(pct).append("%</span> ");
        }
        h.append(bar).append("</div>").append(legend).append("</div>");
    }

    private static String label(String containment) {
        return switch (containment) {
            case "selfService" -> "self-service";
            case "dropOff" -> "drop-off";
            default -> containment;
        };
    }

    private static String colour(String containment) {
        return switch (containment) {
            case "selfService" -> "#2da44e";
            case "dropOff" -> "#d4a72c";
            case "agent" -> "#0969da";
            default -> "#8c959f";
        };
    }
}
