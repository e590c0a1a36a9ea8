package dev.koreexporter.metrics.catalogue;

/**
 * How the SLO alerts of {@code kore-exporter rules} speak of a latency histogram (README "Your own SLOs"):
 * {@code subject} says what is too slow for one bot ({@code %s}: the bot), {@code slowEvents} names the events
 * slower than a threshold ({@code %s}: the threshold), as in "the share of {@code slowEvents}".
 */
public record SloWording(String subject, String slowEvents) {
}
