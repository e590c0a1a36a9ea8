package dev.koreexporter.kore;

import java.time.Duration;

/**
 * A Kore.ai call that failed for good (after the retries the failure allows). Messages are the endpoint's label
 * and a detail, and never carry a secret or a token.
 */
public class KoreApiException extends RuntimeException {
    private final Endpoint endpoint;
    private final int status;
    private final String detail;

    /** @param detail what went wrong, without the endpoint (the message is {@code "<endpoint>: <detail>"}) */
    public KoreApiException(Endpoint endpoint, int status, String detail, Throwable cause) {
        super(endpoint.label() + ": " + detail, cause);
        this.endpoint = endpoint;
        this.status = status;
        this.detail = detail;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** HTTP status, or 0 when no response arrived or the body could not be read. */
    public int status() {
        return status;
    }

    /** The message without the endpoint. */
    public String detail() {
        return detail;
    }

    /** 401: the bot's credentials were refused; the message says what usually causes it. */
    public static final class Auth extends KoreApiException {
        public Auth(Endpoint endpoint, String koreMessage) {
            super(endpoint, 401, "authentication refused by Kore.ai (HTTP 401): " + koreMessage + " ("
                    + likelyCauses(endpoint) + ")", null);
        }

        /**
         * What a 401 from {@code endpoint} usually means: Kore.ai answers 401 to each of these alike (README "Setting
         * up the Kore.ai app"). Names settings only, never a value.
         */
        public static String likelyCauses(Endpoint endpoint) {
            return "likely causes: a wrong client id or client secret, a wrong bot id, the app lacks the API scope "
                    + endpoint.scope() + " or it is not published yet, or the app is set to encrypt tokens (JWE) or to"
                    + " an algorithm other than HS256; see README \"Setting up the Kore.ai app\"";
        }
    }

    /**
     * No whole answer within {@code kore.timeout}: the same page asked again would most likely take as long, a
     * smaller one may not ({@link PagedListing}). Not retried as it stands.
     */
    public static final class TimedOut extends KoreApiException {
        public TimedOut(Endpoint endpoint, Duration timeout) {
            super(endpoint, 0, "no whole answer within kore.timeout (" + timeout.toMillis() + " ms)", null);
        }
    }

    /** A body that is not the JSON the endpoint documents (malformed, truncated, wrong shape). */
    public static final class BadResponse extends KoreApiException {
        public BadResponse(Endpoint endpoint, int status, String detail, Throwable cause) {
            super(endpoint, status, "unreadable response: " + detail, cause);
        }
    }

    /** No answer arrived (timeout, refused or reset connection): worth another attempt. */
    public static final class NoResponse extends KoreApiException {
        public NoResponse(Endpoint endpoint, Throwable cause) {
            super(endpoint, 0, "no response (" + cause.getClass().getSimpleName() + ")", cause);
        }
    }

    /**
     * The calling thread was interrupted (shutdown) while waiting for a slot, a retry or a response. The
     * thread's interrupt flag is set again before this is thrown.
     */
    public static final class Interrupted extends KoreApiException {
        public Interrupted(Endpoint endpoint, Throwable cause) {
            super(endpoint, 0, "interrupted", cause);
        }
    }

    /**
     * A body over {@code kore.max-response-size} (after un-gzipping; README "Configuration"). Asking for the
     * same page again cannot succeed; asking for a smaller one may ({@link PagedListing}).
     */
    public static final class TooLarge extends KoreApiException {
        private final long maxBytes;

        public TooLarge(Endpoint endpoint, long maxBytes) {
            super(endpoint, 0, "response body larger than kore.max-response-size (" + maxBytes + " bytes)", null);
            this.maxBytes = maxBytes;
        }

        public long maxBytes() {
            return maxBytes;
        }
    }
}
