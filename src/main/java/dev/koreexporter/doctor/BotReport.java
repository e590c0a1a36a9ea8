package dev.koreexporter.doctor;

import java.util.List;

/** What doctor found for one bot, and how many requests it sent to find out. */
public record BotReport(String bot, List<CheckResult> checks, int requests) {
    public BotReport {
        checks = List.copyOf(checks);
    }

    Status status() {
        return checks.stream().map(CheckResult::status).reduce(Status.OK, Status::worst);
    }
}
