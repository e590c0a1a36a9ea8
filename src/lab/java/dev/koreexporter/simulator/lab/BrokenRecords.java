package dev.koreexporter.simulator.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.koreexporter.simulator.ServedRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The records the bad-records fault broke, by kind and id, and how they look broken in the wire. Only records
 * served for the first time are broken: a real corrupt row is corrupt from the start, and a record a client
 * already read intact must not turn invalid in ground truth afterwards. A broken record is served broken for good.
 */
final class BrokenRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<ServedRecords.Kind, Map<String, Defect>> byKind = new EnumMap<>(ServedRecords.Kind.class);

    BrokenRecords() {
        for (ServedRecords.Kind kind : ServedRecords.Kind.values()) {
            byKind.put(kind, new ConcurrentHashMap<>());
        }
    }

    /** How the record is broken, or null when it is not. */
    Defect defect(ServedRecords.Kind kind, String id) {
        return byKind.get(kind).get(id);
    }

    /** Breaks about one in eight of the records served for the first time, and at least one on the page. */
    void breakSome(ServedRecords records) {
        Map<String, Defect> broken = byKind.get(records.kind());
        List<Integer> fresh = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (records.firstServing(i)) {
                fresh.add(i);
            }
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int k = 0; k < fresh.size(); k++) {
            if (rnd.nextInt(8) == 0 || k == fresh.size() - 1 && noneBroken(records, broken)) {
                Defect[] choices = Defect.values();
                broken.put(records.id(fresh.get(k)), choices[rnd.nextInt(choices.length)]);
            }
        }
    }

    private static boolean noneBroken(ServedRecords records, Map<String, Defect> broken) {
        for (int i = 0; i < records.size(); i++) {
            if (broken.containsKey(records.id(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code json} with every broken record it lists shown broken. */
    byte[] show(byte[] json, ServedRecords records) {
        Map<String, Defect> broken = byKind.get(records.kind());
        if (broken.isEmpty()) {
            return json;
        }
        Defect[] defects = new Defect[records.size()];
        boolean any = false;
        for (int i = 0; i < defects.length; i++) {
            defects[i] = broken.get(records.id(i));
            any |= defects[i] != null;
        }
        if (!any) {
            return json;
        }
        try {
            JsonNode root = JSON.readTree(json);
            JsonNode list = root.get(switch (records.kind()) {
                case SESSION -> "sessions";
                case MESSAGE -> "messages";
                case CONVERSATION -> "results";
            });
            for (int i = 0; i < defects.length; i++) {
                if (defects[i] != null) {
                    show((ObjectNode) list.get(i), records.kind(), defects[i]);
                }
            }
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void show(ObjectNode r, ServedRecords.Kind kind, Defect d) {
        switch (kind) {
            case MESSAGE -> {
                switch (d) {
                    case MISSING_ID -> r.remove("_id");
                    case NULL_FIELDS -> {
                        r.putNull("type");
                        r.putNull("createdOn");
                        r.putNull("sessionId");
                    }
                    case WRONG_TYPES -> {
                        r.put("createdOn", true);
                        r.put("timestampValue", "yesterday");
                        if (r.get("latency") instanceof ObjectNode latency) {
                            latency.put("totalMs", "fast");
                        }
                    }
                }
            }
            case SESSION -> {
                switch (d) {
                    case MISSING_ID -> r.remove("sessionId");
                    case NULL_FIELDS -> r.putNull("start_time");
                    case WRONG_TYPES -> {
                        r.put("start_time", 12345);
                        r.put("noOfMessagesExchanged", "many");
                    }
                }
            }
            case CONVERSATION -> {
                switch (d) {
                    case MISSING_ID -> r.remove("_id");
                    case NULL_FIELDS -> r.putNull("startTime");
                    case WRONG_TYPES -> r.put("startTime", true);
                }
            }
        }
    }
}
