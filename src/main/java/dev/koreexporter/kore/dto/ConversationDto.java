package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One Agent AI conversation record. User and session ids of Agent AI are deliberately not read. */
record ConversationDto(@JsonProperty("_id") String id,
                       String channelType,
                       String experience,
                       String startTime) {
}
