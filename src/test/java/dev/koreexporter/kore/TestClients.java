package dev.koreexporter.kore;

import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.testing.TestConfig;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds clients against a {@link FakeKore} with fake time, and records what the listener hears. */
final class TestClients {
    static final String SECRET = "s3cr3t-client-secret-long-enough-for-hs256!!";
    static final String CLIENT_ID = "cs-5f1e0a2b";
    static final String BOT_ID = "st-1d76-bot";
    static final String ACCOUNT_ID = "66eaa0843a8348c1e506abcd";

    private TestClients() {
    }

    static ExporterConfig.Bot bot(String secret) {
        return TestConfig.builder().bot("billing-voice", BOT_ID, CLIENT_ID, secret)
                .set("bots[0].account-id", ACCOUNT_ID).set("bots[0].channels", List.of("korevg")).bot();
    }

    static KoreClient client(FakeKore fake, FakeTime time, ApiRequestListener listener, int perMinute, int perHour,
                             Duration timeout) {
        var kore = TestConfig.builder().set("kore.base-url", fake.baseUrl()).set("kore.timeout", timeout)
                .set("kore.rate-limit.per-minute", perMinute).set("kore.rate-limit.per-hour", perHour).kore();
        return KoreClient.builder(kore, bot(SECRET), time).listener(listener).sleeper(time).jitter(() -> 0.5).build();
    }

    static KoreClient client(FakeKore fake, FakeTime time, ApiRequestListener listener) {
        return client(fake, time, listener, 10_000, 1_000_000, Duration.ofSeconds(5));
    }

    /** Every listener call, as "label code" and "label throttled". */
    static final class RecordingListener implements ApiRequestListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void requestCompleted(Endpoint endpoint, String code, Duration duration) {
            events.add(endpoint.label() + " " + code);
        }

        @Override
        public void throttled(Endpoint endpoint) {
            events.add(endpoint.label() + " throttled");
        }
    }
}
