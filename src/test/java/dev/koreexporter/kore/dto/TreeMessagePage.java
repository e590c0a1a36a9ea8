package dev.koreexporter.kore.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.Page;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Rejection;
import dev.koreexporter.model.RejectionReason;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference the one message reader ({@link MessagePageReader}) is checked against: 0.3.0's tree path, a page
 * parsed into a tree and each message bound by Jackson's databind. Whatever shape a message arrives in, the
 * streaming reader must read it as databind's rules do (README "How it reads Kore.ai" promises the counts of
 * 0.3.0). Test code only: the exporter reads message pages one way.
 */
final class TreeMessagePage {
    private TreeMessagePage() {
    }

    /** The page as 0.3.0's tree path read it, with the same {@link WireFormatException}s. */
    static WirePage<Message> read(byte[] body, String requestedChannel, boolean includeText)
            throws WireFormatException {
        JsonNode root = WireJson.parse(body);
        JsonNode array = root.path("messages");
        if (!array.isMissingNode() && !array.isNull() && !array.isArray()) {
            throw new WireFormatException("'messages' is " + array.getNodeType() + ", not an array", false);
        }
        List<Message> records = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        for (JsonNode node : array) {
            Object mapped = message(node, requestedChannel, includeText);
            if (mapped instanceof Message m) {
                records.add(m);
            } else {
                rejections.add((Rejection) mapped);
            }
        }
        JsonNode moreNode = root.path("moreAvailable");
        boolean more = moreNode.isBoolean() ? moreNode.booleanValue() : "true".equalsIgnoreCase(moreNode.asText());
        List<String> invalid = new ArrayList<>();
        for (JsonNode id : root.path("invalidSessions")) {
            if (id.isTextual()) {
                invalid.add(id.asText());
            }
        }
        JsonNode total = root.path("total");
        return new WirePage<>(new Page<>(records, rejections, array.size(), invalid), more,
                total.isNumber() ? total.asLong() : -1);
    }

    /** A {@link Message} or the {@link Rejection} of the record. */
    private static Object message(JsonNode node, String requestedChannel, boolean includeText) {
        if (!node.isObject()) {
            return new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE);
        }
        JsonNode id = node.get("_id");
        if (id == null || id.isNull() || (id.isTextual() && id.asText().isBlank())) {
            return new Rejection(RecordKind.MESSAGE, RejectionReason.MISSING_ID);
        }
        if (!id.isTextual()) {
            return new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE);
        }
        Bound dto;
        try {
            dto = WireJson.MAPPER.treeToValue(node, Bound.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Rejection(RecordKind.MESSAGE, RejectionReason.BAD_TYPE);
        }
        Instant createdOn = dto.createdOn() != null ? WireTime.parse(dto.createdOn())
                : dto.timestampValue() != null ? Instant.ofEpochMilli(dto.timestampValue()) : null;
        String first = dto.channels() != null && !dto.channels().isEmpty() && dto.channels().getFirst() != null
                ? dto.channels().getFirst().type() : null;
        String text = null;
        if (includeText && dto.components() != null && !dto.components().isEmpty()
                && dto.components().getFirst() != null) {
            JsonNode data = dto.components().getFirst().data();
            text = data != null && data.path("text").isTextual() ? data.path("text").asText() : null;
        }
        RecordMapping.Mapped<Message> mapped = RecordMapping.message(new MessageDto(dto.id(), dto.sessionId(),
                dto.type(), createdOn, RecordMapping.channel(dto.chnl(), first, requestedChannel), dto.lang(),
                latency(dto.latency()), text, dto.traceId(), Boolean.TRUE.equals(dto.developer())));
        return mapped.value() != null ? mapped.value() : mapped.rejection();
    }

    private static MessageDto.LatencyDto latency(BoundLatency l) {
        if (l == null) {
            return null;
        }
        return new MessageDto.LatencyDto(l.totalMs(),
                l.asr() == null ? null : new MessageDto.Asr(l.asr().durationMs(), l.asr().provider(),
                        l.asr().confidenceScore()),
                l.bot() == null ? null : new MessageDto.Bot(l.bot().durationMs()),
                l.tts() == null ? null : new MessageDto.Tts(l.tts().durationMs(), l.tts().provider(),
                        l.tts().utteranceLengthChars(), l.tts().audioLengthMs(), l.tts().streamingEnabled(),
                        l.tts().firstByteMs()));
    }

    /** One message as 0.3.0 bound it. */
    record Bound(@JsonProperty("_id") String id,
                 String sessionId,
                 String type,
                 String createdOn,
                 Long timestampValue,
                 String chnl,
                 String lang,
                 List<Channel> channels,
                 List<Component> components,
                 BoundLatency latency,
                 String traceId,
                 @JsonProperty("isD") @JsonDeserialize(using = WireValues.Flag.class) Boolean developer) {
    }

    record Channel(String type) {
    }

    record Component(JsonNode data) {
    }

    record BoundLatency(@JsonDeserialize(using = Number.class) Double totalMs, BoundAsr asr, BoundBot bot,
                        BoundTts tts) {
    }

    record BoundAsr(@JsonDeserialize(using = Number.class) Double durationMs, String provider,
                    @JsonDeserialize(using = Number.class) Double confidenceScore) {
    }

    record BoundBot(@JsonDeserialize(using = Number.class) Double durationMs) {
    }

    record BoundTts(@JsonDeserialize(using = Number.class) Double durationMs, String provider,
                    @JsonDeserialize(using = Number.class) Double utteranceLengthChars,
                    @JsonDeserialize(using = Number.class) Double audioLengthMs,
                    Boolean streamingEnabled,
                    @JsonDeserialize(using = Number.class) Double firstByteMs) {
    }

    /** {@link WireValues#number} for databind, as 0.3.0 bound latency values. */
    static final class Number extends StdDeserializer<Double> {
        Number() {
            super(Double.class);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return WireValues.number(p, p.currentToken());
        }
    }
}
