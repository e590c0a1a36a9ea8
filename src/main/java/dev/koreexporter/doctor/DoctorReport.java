package dev.koreexporter.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.List;

/** Prints doctor's findings as text lines or one JSON document (README "First run against your tenant"). */
public record DoctorReport(List<BotReport> bots) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public DoctorReport {
        bots = List.copyOf(bots);
    }

    public Status status() {
        return bots.stream().map(BotReport::status).reduce(Status.OK, Status::worst);
    }

    /** 0 when nothing failed (warnings allowed), 1 when a check failed. */
    public int exitCode() {
        return status() == Status.FAIL ? 1 : 0;
    }

    /** One {@code OK|WARN|FAIL <bot> <check>: <detail>} line per check, then a summary line. */
    public void printText(PrintStream out) {
        int[] counts = new int[Status.values().length];
        for (BotReport bot : bots) {
            for (CheckResult c : bot.checks()) {
                out.println(c.status().name() + " " + bot.bot() + " " + c.check() + ": " + c.detail());
                counts[c.status().ordinal()]++;
            }
        }
        out.println("doctor: " + status().name() + ": " + bots.size() + " bot(s), " + counts[0] + " ok, "
                + counts[1] + " warn, " + counts[2] + " fail");
    }

    /** {@code {"status": ..., "bots": [{"bot": ..., "checks": [{"check", "status", "detail"}]}]}}. */
    public void printJson(PrintStream out) {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", status().wireName());
        ArrayNode array = root.putArray("bots");
        for (BotReport bot : bots) {
            ObjectNode b = array.addObject();
            b.put("bot", bot.bot());
            ArrayNode checks = b.putArray("checks");
            for (CheckResult c : bot.checks()) {
                checks.addObject().put("check", c.check()).put("status", c.status().wireName()).put("detail", c.detail());
            }
        }
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report", e);
        }
    }
}
