package dev.koreexporter.kore;

import java.time.Duration;

/** The two sliding windows Kore.ai limits a bot's analytics requests over (README, "How it reads Kore.ai"). */
public enum BudgetWindow {
    MINUTE("1m", RateLimiter.MINUTE),
    HOUR("1h", RateLimiter.HOUR);

    private final String label;
    private final Duration length;

    BudgetWindow(String label, Duration length) {
        this.label = label;
        this.length = length;
    }

    /** The value of the {@code window} label of kore_exporter_api_budget_used_ratio. */
    public String label() {
        return label;
    }

    /** As the rate limiter counts it: Kore.ai's window plus the limiter's safety margin. */
    Duration length() {
        return length;
    }
}
