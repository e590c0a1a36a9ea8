package dev.koreexporter.http;

import dev.koreexporter.config.ConfigException;
import dev.koreexporter.config.ExporterConfig;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;

import java.util.List;

/** TLS for the exporter's own endpoint from the PEM key and certificate chain of {@code server.tls}. */
public final class ServerTls {
    private ServerTls() {
    }

    /**
     * Loads both files now, so a bad key stops the start with a message naming the keys rather than
     * failing each scrape's handshake.
     *
     * @throws ConfigException when the key or certificate cannot be loaded
     */
    public static Tls of(ExporterConfig.Tls tls) {
        try {
            Keys keys = Keys.builder()
                    .pem(pem -> pem.key(Resource.create(tls.keyFile()))
                            .certChain(Resource.create(tls.certFile())))
                    .build();
            if (keys.privateKey().isEmpty() || keys.certChain().isEmpty()) {
                throw new IllegalArgumentException("no private key or no certificate found");
            }
            return Tls.builder()
                    .privateKey(keys.privateKey().get())
                    .privateKeyCertChain(keys.certChain())
                    .build();
        } catch (RuntimeException e) {
            // The cause's message describes the PEM structure, never the key material.
            throw new ConfigException(List.of("server.tls: cannot load key-file \"" + tls.keyFile()
                    + "\" with cert-file \"" + tls.certFile() + "\": " + describe(e)));
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
