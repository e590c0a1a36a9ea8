package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.List;

/** One session of getSessions. userId and tags (caller numbers) are deliberately not read. */
record SessionDto(String sessionId,
                  String channel,
                  @JsonProperty("start_time") String startTime,
                  @JsonProperty("end_time") String endTime,
                  @JsonProperty("session_lang") List<String> sessionLang,
                  String sessionType,
                  String containmentType,
                  String sessionStatus,
                  Integer noOfMessagesExchanged,
                  @JsonDeserialize(using = WireValues.Flag.class) Boolean isDeveloper) {
}
