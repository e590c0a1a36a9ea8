package dev.koreexporter.kore.dto;

/** Reads one listing's response body, un-gzipped, into a page of model records. */
@FunctionalInterface
public interface PageReader<T> {
    /**
     * @param channel     the {@code channelType} asked for: a message that names no channel itself is of it
     * @param includeText copy a message's text into the model (the user opted in to text in spans)
     * @throws WireFormatException for a body that is not the JSON the endpoint documents; {@link
     *                             WireFormatException#truncated()} when it ended early (worth another attempt)
     */
    WirePage<T> read(byte[] body, String channel, boolean includeText) throws WireFormatException;
}
