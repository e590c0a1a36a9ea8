package dev.koreexporter.poll;

import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.kore.KoreApi;
import dev.koreexporter.kore.KoreApiException;
import dev.koreexporter.kore.Listing;
import dev.koreexporter.kore.PageAt;
import dev.koreexporter.model.KoreRecord;
import dev.koreexporter.model.TimeWindow;

import java.util.EnumSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The one read-and-count path of every stream of one bot: reads a planned window through the stream's listing,
 * counting each page as it arrives ({@link RecordCounter}). An endpoint that answers 404 (getMessagesV2 on a tenant of a release before it) is
 * left, from then on until the process restarts, for the stream's next listing, logged once; the window whose read
 * met the 404 is read again from its start with it (a position on one endpoint means nothing on another), and what the failed read counted is de-duplicated, so counts
 * stay exact (README "How it reads Kore.ai"). Used by the poller's thread only.
 */
final class StreamReader {
    /** The poller's log category, as in 0.2.0: users filter and route these lines by it. */
    private static final Logger LOG = Logger.getLogger(BotPoller.class.getName());

    private final String bot;
    private final KoreApi api;
    private final RecordCounter counter;
    private final BotLedger ledger;
    private final Set<Endpoint> missing = EnumSet.noneOf(Endpoint.class);

    StreamReader(String bot, KoreApi api, RecordCounter counter, BotLedger ledger) {
        this.bot = bot;
        this.api = api;
        this.counter = counter;
        this.ledger = ledger;
    }

    /** The listing a stream reads now: its first whose endpoint has not answered 404. */
    <T extends KoreRecord> Listing<T> listing(Stream<T> stream) {
        for (Listing<T> listing : stream.listings()) {
            if (!missing.contains(listing.endpoint())) {
                return listing;
            }
        }
        return stream.listings().getLast();
    }

    /**
     * Reads one window, from where {@code read} got (its position is moved with every page counted). Failures are
     * thrown as {@code KoreApiException}; the poller contains them to this stream.
     */
    <T extends KoreRecord> void read(Stream<T> stream, Progress.InFlight read) {
        TimeWindow window = read.read().window();
        while (true) {
            Listing<T> listing = listing(stream);
            try {
                count(stream, listing.endpoint(), api.read(listing, stream.query(window), read.from(listing.endpoint())),
                        window);
                break;
            } catch (KoreApiException e) {
                if (!leftFor(stream, listing, e)) {
                    throw e;
                }
            }
        }
    }

    private <T extends KoreRecord> void count(Stream<T> stream, Endpoint endpoint, Iterable<PageAt<T>> pages,
                                              TimeWindow window) {
        for (PageAt<T> page : pages) {
            if (!counter.page(stream, page.page(), window, endpoint, page.next())) {
                break;
            }
        }
    }

    /** Whether {@code e} is a 404 of {@code listing} that the stream's next listing stands in for. */
    private boolean leftFor(Stream<?> stream, Listing<?> listing, KoreApiException e) {
        if (e.status() != 404 || e.endpoint() != listing.endpoint() || listing == stream.listings().getLast()) {
            return false;
        }
        missing.add(listing.endpoint());
        Listing<?> next = listing(stream);
        LOG.warning(() -> "bot=" + bot + " " + listing.endpoint().label() + " answered 404 (a tenant without it):"
                + " reading " + stream.kind().label().label() + "s with " + next.endpoint().label() + " ("
                + next.pageSize() + " a page) until restart");
        return true;
    }
}
