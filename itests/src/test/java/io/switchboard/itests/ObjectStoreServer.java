package io.switchboard.itests;

import io.switchboard.testkit.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * An S3-compatible object store as the outside world: S3Proxy, in a JVM of its own (its shaded jar
 * carries Jetty, jclouds and Azure libraries that must not meet the tests' classpath), keeping
 * buckets as directories so that a test sees what was stored without an S3 client of its own.
 */
final class ObjectStoreServer implements AutoCloseable {

    final String accessKey;
    final String secretKey;
    private final Path root;
    private final int port;
    private final Process process;

    private ObjectStoreServer(String accessKey, String secretKey, Path root, int port, Process process) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.root = root;
        this.port = port;
        this.process = process;
    }

    /** Starts S3Proxy (its jar named by the {@code s3proxy.jar} property) and waits until it answers. */
    static ObjectStoreServer start(Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("buckets"));
        int port = TestBroker.freePort();
        String accessKey = "it-" + UUID.randomUUID().toString().substring(0, 8);
        String secretKey = "It-" + UUID.randomUUID();
        Path config = dir.resolve("s3proxy.properties");
        Files.writeString(config, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKey,
                "s3proxy.credential=" + secretKey,
                // not filesystem-nio2, which S3Proxy 3 prefers: it keeps each object's metadata in extended
                // attributes, and fails to list a file a test put in a bucket's directory
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + root,
                "jclouds.identity=unused",
                "jclouds.credential=unused", ""), StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx256m", "-jar", System.getProperty("s3proxy.jar"),
                "--properties", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
                .start();
        ObjectStoreServer store = new ObjectStoreServer(accessKey, secretKey, root, port, process);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy ended with " + process.exitValue() + ": see " + dir.resolve("s3proxy.log"));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return store;
            } catch (IOException notYet) {
                sleep();
            }
        }
        store.close();
        throw new IllegalStateException("S3Proxy did not listen on " + port + " within 60 s");
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** An object as S3Proxy's filesystem store keeps it: one file per key under the bucket's directory. */
    Path object(String bucket, String key) {
        return root.resolve(bucket).resolve(key);
    }

    Path bucket(String bucket) {
        return root.resolve(bucket);
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }
}
