package dev.koreexporter.security;

import dev.koreexporter.config.ConfigLoader;
import dev.koreexporter.config.ExporterConfig;
import dev.koreexporter.http.ServerTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example in docs/security.md is a valid config, and its TLS section loads a real openssl key pair. */
class SecurityDocTest {
    @TempDir
    Path dir;

    @Test
    void theServerExampleLoads() throws Exception {
        String doc = Files.readString(Path.of("docs/security.md"));
        Matcher m = Pattern.compile("```yaml\\n(server:.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(), "docs/security.md has a server: example");
        TestCertificates certs = TestCertificates.generate(dir, "localhost");
        String yaml = m.group(1)
                .replace("/etc/kore-exporter/tls/cert.pem", certs.certFile().toString())
                .replace("/etc/kore-exporter/tls/key.pem", certs.keyFile().toString())
                + "bots:\n  - name: b\n    id: st-1\n    client-id: cs-1\n    client-secret: s\n";
        ExporterConfig config = ConfigLoader.loadYaml(yaml, "docs/security.md", Map.of()).config();
        assertEquals(1, config.server().basicAuthUsers().size());
        assertTrue(config.server().basicAuthUsers().get("prometheus").startsWith("$2b$10$"));
        assertNotNull(ServerTls.of(config.server().tls()));
    }
}
