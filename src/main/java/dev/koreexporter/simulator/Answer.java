package dev.koreexporter.simulator;

/** An endpoint's 200 answer: its JSON and the records it lists. */
record Answer(byte[] json, ServedRecords served) {
}
