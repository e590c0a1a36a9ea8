package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.koreexporter.model.TimeWindow;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** Request bodies, as Kore.ai spells them. */
public final class Requests {
    private Requests() {
    }

    /** getSessions by start time. */
    public record Sessions(String dateFrom, String dateTo, int skip, int limit) {
        public static Sessions of(TimeWindow window, int skip, int limit) {
            return new Sessions(WireTime.format(window.from()), WireTime.format(window.to()), skip, limit);
        }
    }

    /** getSessions by id (at most 50; Kore.ai then ignores every other filter). */
    public record SessionIds(List<String> sessionId) {
        public SessionIds {
            sessionId = List.copyOf(sessionId);
        }
    }

    /** getMessages, getMessagesV2 and messages-lite; {@code sessionId} and {@code userId} are left out when unset. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Messages(String dateFrom, String dateTo, String channelType, Boolean includeLatency,
                           Boolean forward, int skip, int limit, List<String> sessionId, String userId) {
        public Messages {
            sessionId = sessionId == null ? List.of() : List.copyOf(sessionId);
        }

        /** One channel's messages of a window, oldest first, with their latency (getMessages, getMessagesV2). */
        public static Messages withLatency(TimeWindow window, String channel, int skip, int limit) {
            return new Messages(WireTime.format(window.from()), WireTime.format(window.to()), channel, true, true,
                    skip, limit, List.of(), null);
        }

        /**
         * Kore.ai's per-message {@code traceId} (for the turn span's {@code kore.trace_id}), asked for wherever
         * latency is: getMessages and getMessagesV2 document both, messages-lite neither.
         */
        @JsonProperty("includeTraceId")
        public Boolean includeTraceId() {
            return includeLatency;
        }

        /** getMessagesV2 requires it (README "How it reads Kore.ai"); v1 ignores it; messages-lite never gets it. */
        @JsonProperty("includeSecureForm")
        public Boolean includeSecureForm() {
            return includeLatency == null ? null : Boolean.FALSE;
        }
    }

    /** Agent AI aaconversation; dates are {@code YYYY-MM-DD}, pages count from 1. */
    public record Conversations(String from, String to, int page, int limit, boolean includeHistory) {
        /** The whole UTC days from the window's first to its last. */
        public static Conversations of(TimeWindow days, int page, int limit) {
            return new Conversations(LocalDate.ofInstant(days.from(), ZoneOffset.UTC).toString(),
                    LocalDate.ofInstant(days.to(), ZoneOffset.UTC).toString(), page, limit, false);
        }
    }
}
