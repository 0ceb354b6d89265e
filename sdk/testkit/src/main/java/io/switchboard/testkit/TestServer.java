package io.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The real Switchboard distribution as a child process: unpacked from its tar.gz into a directory of
 * its own, every port moved to a free one (so it never meets a running server or the machine's own
 * services), started with {@code bin/karaf server} and an admin password of the test's choosing.
 * {@link #kill()} is a {@code kill -9} of the JVM; {@link #start()} again boots the same directory,
 * journal and database included.
 */
public final class TestServer implements AutoCloseable {

    public static final String ADMIN = "admin";

    private final Path home;
    private final String adminPassword;
    private int httpPort = TestBroker.freePort();
    /** Whether a test has been told the HTTP port (url(), httpPort()): from then on it cannot move. */
    private volatile boolean httpPortHandedOut;
    private int busPort = TestBroker.freePort();
    private final int sshPort = TestBroker.freePort();
    private Process launcher;
    private List<String> requiredRoutes = List.of();

    private TestServer(Path home, String adminPassword) {
        this.home = home;
        this.adminPassword = adminPassword;
    }

    /**
     * @param distribution the {@code switchboard-distro-*.tar.gz}
     * @param workDir      where to unpack it (a fresh subdirectory is made)
     */
    public static TestServer unpack(Path distribution, Path workDir, String adminPassword) {
        try {
            Files.createDirectories(workDir);
            Path target = Files.createTempDirectory(workDir, "server");
            run(List.of("tar", "-xzf", distribution.toString(), "-C", target.toString(), "--strip-components=1"));
            TestServer server = new TestServer(target, adminPassword);
            server.movePorts();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest distribution tar.gz under {@code dir} (e.g. {@code karaf-distro/target}). */
    public static Path findDistribution(Path dir) {
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "switchboard-distro-*.tar.gz")) {
            for (Path p : found) {
                return p;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no switchboard-distro-*.tar.gz in " + dir + ": build karaf-distro first");
    }

    private void movePorts() throws IOException {
        replace("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port\\s*=\\s*\\d+", "org.osgi.service.http.port = " + httpPort);
        replace("etc/artemis.xml", ":61616", ":" + busPort);
        replace("etc/io.switchboard.bus.cfg", ":61616", ":" + busPort);
        replace("etc/org.apache.karaf.shell.cfg", "sshPort\\s*=\\s*\\d+", "sshPort = " + sshPort);
        replace("etc/org.apache.karaf.management.cfg", "rmiRegistryPort\\s*=\\s*\\d+", "rmiRegistryPort = " + TestBroker.freePort());
        replace("etc/org.apache.karaf.management.cfg", "rmiServerPort\\s*=\\s*\\d+", "rmiServerPort = " + TestBroker.freePort());
    }

    private void replace(String file, String regex, String replacement) throws IOException {
        Path path = home.resolve(file);
        String text = Files.readString(path, StandardCharsets.UTF_8);
        String changed = text.replaceAll(regex, replacement);
        if (changed.equals(text)) {
            throw new IllegalStateException(file + " has no " + regex + " to move");
        }
        Files.writeString(path, changed, StandardCharsets.UTF_8);
    }

    /**
     * Routes ({@code context/routeId}) that must be started before the server counts as up: health
     * only knows the bundles that have activated so far.
     */
    public TestServer requireRoutes(String... routes) {
        this.requiredRoutes = List.of(routes);
        return this;
    }

    /** Boots the server and returns once {@code /switchboard/api/health} answers UP with the required routes. */
    public TestServer start() {
        return start(Duration.ofSeconds(120));
    }

    public TestServer start(Duration timeout) {
        // A free port is only free when it is picked: another process on the machine may bind it
        // before the server does. The bus port is the server's own business, so it is moved and the
        // server started again; so is the HTTP port, unless the test was told it before the start.
        for (int attempt = 1; ; attempt++) {
            launch();
            try {
                awaitHealthy(timeout);
                return this;
            } catch (PortTaken e) {
                kill();
                if (attempt == 3 || (e.http && httpPortHandedOut)) {
                    throw new IllegalStateException(e.getMessage());
                }
                try {
                    // the next start's log must not show this start's failure
                    Files.move(home.resolve("data/log/karaf.log"), home.resolve("data/log/karaf.log.port-taken-" + attempt));
                    if (e.http) {
                        int taken = httpPort;
                        httpPort = TestBroker.freePort();
                        replace("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port\\s*=\\s*" + taken + "\\b",
                                "org.osgi.service.http.port = " + httpPort);
                    } else {
                        int taken = busPort;
                        busPort = TestBroker.freePort();
                        replace("etc/artemis.xml", ":" + taken + "\\?", ":" + busPort + "?");
                        replace("etc/io.switchboard.bus.cfg", ":" + taken + "\\b", ":" + busPort);
                    }
                } catch (IOException io) {
                    throw new UncheckedIOException(io);
                }
            }
        }
    }

    private void launch() {
        try {
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.out").toFile()));
            pb.environment().put("SB_ADMIN_PASSWORD", adminPassword);
            // bin/karaf adds EXTRA_JAVA_OPTS to the JVM's options: a benchmark's profiler settings, say
            String extra = System.getProperty("switchboard.server.javaOpts");
            if (extra != null && !extra.isBlank()) {
                pb.environment().put("EXTRA_JAVA_OPTS", extra);
            }
            launcher = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker's acceptor or the HTTP server could not bind: the port was taken after it was picked. */
    private static final class PortTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean http;

        PortTaken(boolean http, String message) {
            super(message);
            this.http = http;
        }
    }

    private void checkPorts() {
        Path log = home.resolve("data/log/karaf.log");
        String text;
        try {
            text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return;
        }
        if (text.contains("Failed to bind acceptor")) {
            throw new PortTaken(false, "the bus port " + busPort + " was taken by another process before the broker bound it");
        }
        if (text.contains("Failed to bind to /0.0.0.0:" + httpPort)) {
            throw new PortTaken(true, "the HTTP port " + httpPort + " was taken by another process before the server bound it");
        }
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("server exited with " + launcher.exitValue() + "; see " + home.resolve("console.out"));
            }
            checkPorts();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/switchboard/api/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && requiredRoutes.stream().allMatch(route -> r.body().contains("\"" + route + "\":\"Started\""))) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new IllegalStateException("server not healthy within " + timeout + ": " + last);
    }

    /** The server's JVM (a child of the launcher script). */
    public Optional<ProcessHandle> jvm() {
        if (launcher == null) {
            return Optional.empty();
        }
        return launcher.toHandle().descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .findFirst();
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed. */
    public void kill() {
        jvm().ifPresent(ProcessHandle::destroyForcibly);
        launcher.destroyForcibly();
        waitGone();
    }

    /** A normal stop (SIGTERM to the JVM; Karaf shuts down its bundles). */
    public void stop() {
        if (launcher == null) {
            return;
        }
        jvm().ifPresent(ProcessHandle::destroy);
        waitGone();
    }

    private void waitGone() {
        try {
            if (!launcher.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                jvm().ifPresent(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        launcher = null;
    }

    public URI url(String path) {
        httpPortHandedOut = true;
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    public String basicAuth() {
        return "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + adminPassword).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a user of the agents' group (role {@code agent}) to {@code etc/users.properties}, before
     * or after start: Karaf reads the file at every login.
     */
    public TestServer addAgent(String user, String password) {
        return addUser(user, password, "agentgroup");
    }

    /**
     * Adds a user of {@code group} (agentgroup, viewergroup, admingroup in etc/users.properties)
     * with a hashed password, before or after start.
     */
    public TestServer addUser(String user, String password, String group) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            Files.writeString(home.resolve("etc/users.properties"),
                    "\n" + user + " = {CRYPT}" + hex + "{CRYPT},_g_:" + group + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            return this;
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits up to a minute until {@code /switchboard/api/health} reports each route
     * ({@code <context>/<route id>}) started: after an install, a plugin's routes come up on their own time.
     */
    public TestServer awaitRoutes(String... routes) {
        HttpClient http = HttpClient.newHttpClient();
        String last = "";
        try {
            for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline; Thread.sleep(500)) {
                last = http.send(HttpRequest.newBuilder(url("/switchboard/api/health")).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
                String health = last;
                if (java.util.Arrays.stream(routes).allMatch(route -> health.contains("\"" + route + "\":\"Started\""))) {
                    return this;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        throw new AssertionError("routes " + String.join(", ", routes) + " not started: " + last + "\n" + log());
    }

    /**
     * Installs a plugin as an operator does: its KAR published to this server's catalog, then installed
     * from there, which starts it as its own bus user granted what its descriptor reads and writes.
     * Returns when the server answers the install, which it does only once the plugin serves (its
     * components running with their configuration, its Bus logged in, its routes started): a test sends
     * at once, with no wait of its own.
     */
    public TestServer installPlugin(Path kar, String id) {
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> published = http.send(HttpRequest.newBuilder(url("/switchboard/api/catalog/plugins"))
                    .header("Authorization", basicAuth()).header("Content-Type", "application/vnd.switchboard.kar")
                    .POST(HttpRequest.BodyPublishers.ofFile(kar)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (published.statusCode() != 201) {
                throw new AssertionError("not published: " + published.statusCode() + " " + published.body() + "\n" + log());
            }
            HttpResponse<String> installed = http.send(HttpRequest.newBuilder(url("/switchboard/api/plugins"))
                    .header("Authorization", basicAuth()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\"}", StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (installed.statusCode() != 201) {
                throw new AssertionError("not installed: " + installed.statusCode() + " " + installed.body() + "\n" + log());
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes the server trust the certificate a plugin's KAR was signed with, as an operator does by
     * putting it into {@code etc/plugin-trust/}: a developer's own server trusts the developer's key.
     * Nothing for an unsigned KAR or a missing file; a KAR changed after signing is an error.
     */
    public TestServer trustSignerOf(Path kar) {
        if (!Files.isRegularFile(kar)) {
            return this;
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(kar.toFile(), true)) {
            for (java.util.jar.JarEntry entry : java.util.Collections.list(jar.entries())) {
                if (entry.isDirectory() || entry.getName().startsWith("META-INF/")) {
                    continue;
                }
                try (var in = jar.getInputStream(entry)) {
                    in.readAllBytes();
                }
                java.security.CodeSigner[] signers = entry.getCodeSigners();
                if (signers != null && signers.length > 0) {
                    var certificate = (java.security.cert.X509Certificate) signers[0].getSignerCertPath().getCertificates().get(0);
                    Path dir = Files.createDirectories(home.resolve("etc/plugin-trust"));
                    String pem = "-----BEGIN CERTIFICATE-----\n"
                            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                            + "\n-----END CERTIFICATE-----\n";
                    Files.writeString(dir.resolve("signer-" + Integer.toHexString(certificate.hashCode()) + ".pem"), pem,
                            StandardCharsets.US_ASCII);
                    return this;
                }
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sets {@code key = value} in {@code etc/<pid>.cfg}, replacing the key's line or appending one;
     * before start, or after (Config Admin picks changes up).
     */
    public TestServer configure(String pid, String key, String value) {
        Path file = home.resolve("etc/" + pid + ".cfg");
        try {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            String line = key + " = " + value;
            String pattern = "(?m)^\\s*" + java.util.regex.Pattern.quote(key) + "\\s*=.*$";
            String changed = java.util.regex.Pattern.compile(pattern).matcher(text).find()
                    ? text.replaceAll(pattern, java.util.regex.Matcher.quoteReplacement(line))
                    : text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + line + "\n";
            Files.writeString(file, changed, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies a plugin's bundle (a jar) into the server's {@code deploy/} directory, before or after
     * start: Karaf's file install installs and starts it, as an operator dropping it there would.
     */
    public TestServer deploy(Path bundle) {
        try {
            Files.copy(bundle, home.resolve("deploy").resolve(bundle.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a text file (a route file, a Kamelet) into {@code deploy/}: beside it first, then moved
     * in, so FileInstall never sees half a file.
     */
    public TestServer deploy(String name, String content) {
        try {
            Path staged = Files.createTempFile(home, name, ".part");
            Files.writeString(staged, content, StandardCharsets.UTF_8);
            Files.move(staged, home.resolve("deploy").resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code Authorization} header value for HTTP Basic as {@code user}. */
    public static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public String adminPassword() {
        return adminPassword;
    }

    public int httpPort() {
        httpPortHandedOut = true;
        return httpPort;
    }

    public int sshPort() {
        return sshPort;
    }

    /** AMQP URL of the embedded broker. */
    public String busUrl() {
        return "amqp://127.0.0.1:" + busPort;
    }

    public Path home() {
        return home;
    }

    /** The server's log so far ({@code data/log/karaf.log}). */
    public String log() {
        try {
            return Files.readString(home.resolve("data/log/karaf.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs Karaf shell commands through {@code bin/client} in batch mode and returns what they print. */
    public String shell(String commands) {
        try {
            Process p = new ProcessBuilder(home.resolve("bin/client").toString(), "-a", String.valueOf(sshPort), "-u", ADMIN,
                    "-p", adminPassword, "-b").directory(home.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().write((commands + "\n").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void run(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed with " + p.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
