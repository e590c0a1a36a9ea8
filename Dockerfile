# syntax=docker/dockerfile:1
# kore-exporter image. Also runs the Kore.ai simulator (`simulator --port 8080`), see docker-compose.yml.

FROM maven:3.9.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
COPY src ./src
# The cache mount keeps ~/.m2 between builds; clean because stale jars stay in target/libs.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests clean package

FROM eclipse-temurin:21-jre-alpine
RUN addgroup -S kore && adduser -S -G kore -h /opt/kore-exporter kore \
    && mkdir -p /var/lib/kore-exporter && chown kore:kore /var/lib/kore-exporter
WORKDIR /opt/kore-exporter
COPY --from=build /src/target/kore-exporter.jar ./kore-exporter.jar
COPY --from=build /src/target/libs ./libs
COPY bin/train-cache /usr/local/bin/train-cache
USER kore
# Recommended flags (measured in docs/performance.md): small heap, exit on OutOfMemoryError (the supervisor
# restarts it, the checkpoints keep counts exact), serial GC, C1 only, capped code cache and
# metaspace, smaller thread stacks; MALLOC_ARENA_MAX=2 stops glibc keeping freed native memory in many arenas.
ENV KORE_JVM_FLAGS="-Xmx64m -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m -Xss512k" \
    MALLOC_ARENA_MAX=2
# Class-data archive for a faster start: one demo run (embedded simulator) records the classes the exporter
# loads (JDK 21: dynamic CDS). Optional: the build goes on without it, and the JVM starts without a missing one.
RUN train-cache kore-exporter.jar /opt/kore-exporter/app.jsa $KORE_JVM_FLAGS || echo "no class-data archive"
ENV STATE_DIR=/var/lib/kore-exporter \
    JAVA_TOOL_OPTIONS="$KORE_JVM_FLAGS -XX:SharedArchiveFile=/opt/kore-exporter/app.jsa"
EXPOSE 9469
# busybox wget is in the alpine image; SERVER_PORT moves the HTTP port (CONTRACT §2).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD wget -q -O /dev/null "http://127.0.0.1:${SERVER_PORT:-9469}/health/ready" || exit 1
ENTRYPOINT ["java", "-jar", "kore-exporter.jar"]
