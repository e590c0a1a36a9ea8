package dev.koreexporter.simulator;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/** The records an endpoint wrote, each marked served as the list is made. */
final class ServedList<T> implements ServedRecords {
    private final Kind kind;
    private final List<T> items;
    private final Function<T, String> ids;
    private final boolean[] first;

    private ServedList(Kind kind, List<T> items, Function<T, String> ids, Function<T, AtomicBoolean> served) {
        this.kind = kind;
        this.items = items;
        this.ids = ids;
        this.first = new boolean[items.size()];
        for (int i = 0; i < first.length; i++) {
            first[i] = !served.apply(items.get(i)).getAndSet(true);
        }
    }

    static ServedRecords sessions(List<SimSession> items) {
        return new ServedList<>(Kind.SESSION, items, s -> s.id, s -> s.served);
    }

    static ServedRecords messages(List<SimMessage> items) {
        return new ServedList<>(Kind.MESSAGE, items, SimMessage::id, m -> m.served);
    }

    static ServedRecords conversations(List<SimConversation> items) {
        return new ServedList<>(Kind.CONVERSATION, items, SimConversation::id, c -> c.served);
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public int size() {
        return first.length;
    }

    @Override
    public String id(int i) {
        return ids.apply(items.get(i));
    }

    @Override
    public boolean firstServing(int i) {
        return first[i];
    }
}
