package dev.koreexporter.simulator;

import java.util.Optional;

/**
 * The simulator's extension point (README "Development"): it sees every API request to a known bot and may
 * change how that one request is served. The run-time simulator ({@code --demo}, {@code simulator}) plugs in
 * nothing; the lab (faults and request statistics, test classpath only) plugs in here. The simulator knows no
 * interceptor by name.
 */
@FunctionalInterface
public interface ApiInterceptor {
    /** Serves every request as the tenant does. */
    ApiInterceptor NONE = request -> Exchange.AS_IS;

    /** The status {@link Exchange#completed} reports for a request that got no answer (it hung, see {@link PageTime}). */
    int NO_ANSWER = 0;

    /** Called once per request as it arrives, after it counted against the bot's rate limits. */
    Exchange arrived(ApiRequest request);

    /** How one request is served. Every default leaves it as the tenant serves it. */
    interface Exchange {
        Exchange AS_IS = new Exchange() {
        };

        /** How the tenant serves this request, given how it serves every request. */
        default Serving serving(Serving tenant) {
            return tenant;
        }

        /** The bot's app as the tenant has it for this request: the token is checked against its secret. */
        default SimBot app(SimBot bot) {
            return bot;
        }

        /** An answer in place of the API's, given after the rate limits and before the token is checked. */
        default Optional<Reply> replacement() {
            return Optional.empty();
        }

        /** The JSON body of a 200 answer, before compression; {@code records} are the records it lists, in order. */
        default byte[] body(byte[] json, ServedRecords records) {
            return json;
        }

        /** Whether the connection drops after half of a 200 answer's bytes were sent. */
        default boolean dropsConnection() {
            return false;
        }

        /**
         * The status the request was answered with, called before the answer leaves; {@link #NO_ANSWER} when its
         * connection was closed without one.
         */
        default void completed(int status) {
        }

        /** Why the request's token was refused with 401, called before {@link #completed}. */
        default void refused(AuthFailure why) {
        }
    }
}
