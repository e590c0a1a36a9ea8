package dev.koreexporter.simulator;

/**
 * The records a 200 answer lists, in its order, and which of them no earlier answer served (a record a client
 * has read once can be told apart from one nobody has seen).
 */
public interface ServedRecords {
    /** What the answer lists: getSessions' sessions, the messages endpoints' messages, Agent AI's conversations. */
    enum Kind { SESSION, MESSAGE, CONVERSATION }

    Kind kind();

    int size();

    /** The id the record carries in the wire ({@code sessionId} or {@code _id}). */
    String id(int i);

    /** Whether this answer is the first to serve record {@code i}. */
    boolean firstServing(int i);
}
