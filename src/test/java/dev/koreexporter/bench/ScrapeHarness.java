package dev.koreexporter.bench;

import dev.koreexporter.Daemon;
import dev.koreexporter.http.ExporterRoutes;
import dev.koreexporter.kore.ApiRequestListener;
import dev.koreexporter.kore.Endpoint;
import dev.koreexporter.metrics.KoreMetrics;
import dev.koreexporter.metrics.TurnExemplar;
import dev.koreexporter.model.Containment;
import dev.koreexporter.model.Direction;
import dev.koreexporter.model.Latency;
import dev.koreexporter.model.Message;
import dev.koreexporter.model.RecordKind;
import dev.koreexporter.model.Session;
import dev.koreexporter.poll.BotStatus;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.FutureTask;
import java.util.zip.GZIPOutputStream;

/**
 * A child JVM for the scale benchmark: {@code n} bots' series filled with an hour of traffic (3 sessions a minute
 * per bot, ~5.4 voice turns a session, the simulator's latency distributions) in one of two label mixes, served
 * by the exporter's own routes ({@code /metrics}) and, for comparison, by 0.3.0's way of answering
 * ({@code /clientjava}: a client_java snapshot of every series, written by client_java's writer on a platform
 * thread). No pollers: the scrape path under the recommended JVM flags, with one thread counting new sessions at
 * the pollers' rate. Prints {@code harness ready on PORT live-heap BYTES} (heap used after a full collection, once
 * filled) when it answers.
 *
 * <pre>ScrapeHarness simulator|realistic BOTS PORT</pre>
 */
public final class ScrapeHarness {
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final String[] CHANNELS = {"korevg", "ivrVoice", "twiliovoice", "audiocodes"};

    /** The labels one session's turns carry. */
    private record Mix(String channel, String language, String asr, String tts, Boolean streaming) {
    }

    private ScrapeHarness() {
    }

    public static void main(String[] args) throws Exception {
        boolean realistic = args[0].equals("realistic");
        int bots = Integer.parseInt(args[1]);
        int port = Integer.parseInt(args[2]);
        PrometheusRegistry registry = new PrometheusRegistry();
        Clock clock = Clock.systemUTC();
        KoreMetrics metrics = new KoreMetrics(registry, Map.of(), "bench", clock);
        List<BotStatus> statuses = new ArrayList<>();
        for (int b = 0; b < bots; b++) {
            String bot = String.format(Locale.ROOT, "voice-%03d", b);
            fill(metrics, bot, b, realistic);
            statuses.add(new BotStatus(bot, 1, true, NOW, NOW, null, true));
        }
        bindJvmMetrics(registry);
        ExpositionFormats formats = ExpositionFormats.init();
        WebServer server = Daemon.httpServer().host("127.0.0.1").port(port)
                .routing(r -> {
                    ExporterRoutes.routing(r, metrics, registry, () -> statuses, Map.of(), "bench", clock);
                    r.get("/clientjava", (req, res) -> {
                        ExpositionFormatWriter w = formats.findWriter(req.headers().first(HeaderNames.ACCEPT).orElse(null));
                        boolean gzip = req.headers().first(HeaderNames.ACCEPT_ENCODING).orElse("").contains("gzip");
                        res.header(HeaderNames.CONTENT_TYPE, w.getContentType());
                        if (gzip) {
                            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
                        }
                        try (OutputStream body = new BufferedOutputStream(res.outputStream(), 64 * 1024);
                             OutputStream out = gzip ? new GZIPOutputStream(body, 64 * 1024) : body) {
                            FutureTask<Void> task = new FutureTask<>(() -> {
                                w.write(out, registry.scrape());
                                return null;
                            });
                            Thread.ofPlatform().daemon().start(task);
                            task.get();
                        }
                    });
                }).build().start();
        // Live heap before any scrape or new traffic: the series' state plus the JVM's and the server's own.
        System.gc();
        long liveHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Thread.ofPlatform().daemon().name("traffic").start(() -> traffic(metrics, bots, realistic));
        System.out.println("harness ready on " + server.port() + " live-heap " + liveHeap);
        Thread.currentThread().join();
    }

    /** An hour of one bot's traffic. */
    private static void fill(KoreMetrics m, String bot, int index, boolean realistic) {
        SplittableRandom rnd = new SplittableRandom(index * 7919L + 1);
        for (int s = 0; s < 180; s++) {
            session(m, bot, index, realistic, rnd, false);
        }
        ApiRequestListener api = m.apiListener(bot);
        for (Endpoint e : List.of(Endpoint.GET_SESSIONS, Endpoint.GET_MESSAGES_V2)) {
            for (int i = 0; i < 120; i++) {
                api.requestCompleted(e, i % 40 == 0 ? "429" : "200", Duration.ofMillis(50 + rnd.nextInt(900)));
            }
        }
        m.duplicate(bot, RecordKind.MESSAGE);
        m.cycleFinished(bot, true);
        m.registerApiBudget(bot, w -> 0.05);
        m.publish(bot);
    }

    /**
     * One session of a bot, with its turns, as a poller counts it; {@code traced}: its turns carry exemplars
     * (not the hour filled at start: its exemplars would all be fresh, as in the first 70 s after a backfill,
     * where the OpenMetrics answer of the simulator mix is ~5 MB longer).
     */
    private static void session(KoreMetrics m, String bot, int index, boolean realistic, SplittableRandom rnd,
                                boolean traced) {
        List<String> channels = realistic ? List.of("korevg", "ivrVoice") : index % 3 == 1
                ? List.of(CHANNELS[index % 4], CHANNELS[(index + 1) % 4]) : List.of(CHANNELS[index % 4]);
        Mix mix = realistic ? realistic(rnd, channels) : simulator(rnd, channels);
        int turns = 2 + rnd.nextInt(8);
        for (int t = 0; t < turns; t++) {
            Latency l = latency(rnd, mix);
            Message out = new Message("m", "s", Direction.OUTGOING, mix.channel(), mix.language(), NOW, l, null);
            m.message(bot, new Message("m", "s", Direction.INCOMING, mix.channel(), mix.language(), NOW, null, null));
            m.message(bot, out);
            m.turn(bot, out, traced ? new TurnExemplar(hex(rnd, 2), hex(rnd, 1)) : null);
        }
        double c = rnd.nextDouble();
        Containment containment = c < 0.60 ? Containment.SELF_SERVICE : c < 0.85 ? Containment.DROP_OFF
                : Containment.AGENT;
        m.sessionClosed(bot, new Session("s", mix.channel(), NOW.minusSeconds(60 + rnd.nextInt(1200)), NOW, false,
                containment, rnd.nextDouble() < 0.9 ? "interactive" : "nonInteractive", turns * 2, List.of()));
        m.recordDelay(bot, RecordKind.MESSAGE, Duration.ofSeconds(rnd.nextInt(600)));
        m.recordDelay(bot, RecordKind.SESSION, Duration.ofSeconds(rnd.nextInt(1200)));
    }

    /**
     * Goes on counting 3 sessions a minute per bot, each bot publishing what it counted, as its poller would:
     * new exemplars keep arriving (those older than 70 s are no longer shown) and scrapes compete with it.
     */
    private static void traffic(KoreMetrics m, int bots, boolean realistic) {
        SplittableRandom rnd = new SplittableRandom(42);
        try {
            while (true) {
                for (int i = 0; i < Math.max(1, bots / 20); i++) {
                    int b = rnd.nextInt(bots);
                    String bot = String.format(Locale.ROOT, "voice-%03d", b);
                    session(m, bot, b, realistic, rnd, true);
                    m.publish(bot);
                }
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** As the simulator draws them (README "Demo"): languages, providers and streaming per session. */
    private static Mix simulator(SplittableRandom rnd, List<String> channels) {
        String channel = channels.get(rnd.nextDouble() < 0.6 ? 0 : rnd.nextInt(channels.size()));
        String lang = pick(rnd, new String[] {"en", "es", "de", "fr"}, new double[] {0.70, 0.15, 0.08, 0.07});
        String asr = pick(rnd, new String[] {"google", "azure", "deepgram", "kore"}, new double[] {0.40, 0.25, 0.20, 0.15});
        String tts = pick(rnd, new String[] {"azure", "elevenlabs", "google", "polly"}, new double[] {0.35, 0.25, 0.25, 0.15});
        double st = rnd.nextDouble();
        return new Mix(channel, lang, asr, tts, st < 0.55 ? Boolean.TRUE : st < 0.90 ? Boolean.FALSE : null);
    }

    /** A typical production bot: two voice channels, two languages, one ASR and one streaming TTS provider. */
    private static Mix realistic(SplittableRandom rnd, List<String> channels) {
        return new Mix(channels.get(rnd.nextInt(2)), rnd.nextDouble() < 0.8 ? "en" : "es", "google", "azure", true);
    }

    /** The simulator's latency distributions (log-normal segments, 3 % without ASR, 2 % without TTS). */
    private static Latency latency(SplittableRandom rnd, Mix mix) {
        double asr = clamp(300 * Math.exp(0.5 * rnd.nextGaussian()), 40, 2500);
        double bot = clamp(600 * Math.exp(0.7 * rnd.nextGaussian()), 50, 10_000);
        double tts = clamp(250 * Math.exp(0.5 * rnd.nextGaussian()), 30, 1500);
        boolean hasAsr = rnd.nextDouble() >= 0.03;
        boolean hasTts = rnd.nextDouble() >= 0.02;
        int chars = 20 + rnd.nextInt(200);
        Double firstByte = hasTts && Boolean.TRUE.equals(mix.streaming()) ? tts * (0.15 + 0.45 * rnd.nextDouble()) : null;
        return new Latency((hasAsr ? asr : 0) + bot + (hasTts ? tts : 0),
                hasAsr ? new Latency.Asr(asr, mix.asr(), 1 - Math.abs(0.12 * rnd.nextGaussian())) : null,
                new Latency.BotSegment(bot),
                hasTts ? new Latency.Tts(tts, mix.tts(), (long) chars, chars * 60.0, mix.streaming(), firstByte) : null);
    }

    private static String pick(SplittableRandom rnd, String[] values, double[] weights) {
        double u = rnd.nextDouble();
        for (int i = 0; i < values.length - 1; i++) {
            u -= weights[i];
            if (u < 0) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    private static String hex(SplittableRandom rnd, int longs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < longs; i++) {
            String h = Long.toHexString(rnd.nextLong() | 1);
            sb.append("0".repeat(16 - h.length())).append(h);
        }
        return sb.toString();
    }

    /** As the daemon binds them. */
    private static void bindJvmMetrics(PrometheusRegistry registry) {
        PrometheusMeterRegistry micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry,
                io.micrometer.core.instrument.Clock.SYSTEM);
        new ClassLoaderMetrics().bindTo(micrometer);
        new JvmMemoryMetrics().bindTo(micrometer);
        new JvmGcMetrics().bindTo(micrometer);
        new JvmThreadMetrics().bindTo(micrometer);
        new ProcessorMetrics().bindTo(micrometer);
        new UptimeMetrics().bindTo(micrometer);
        new FileDescriptorMetrics().bindTo(micrometer);
    }
}
