package io.switchboard.testkit.browser;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the W3C WebDriver protocol, for browser tests. Each instance runs
 * its own {@code chromedriver} and a Chromium with a fresh profile, so two instances are two
 * strangers (an agent and a customer, say) sharing no cookies or storage.
 *
 * <p>Debian's {@code chromium} and {@code chromium-driver} are used where they are
 * ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}; system properties
 * {@code switchboard.chromium} and {@code switchboard.chromedriver} name others). Nothing is ever
 * downloaded. Without them {@link #start()} fails, with what to install: a browser test that
 * cannot run is a failure, not a skip.
 *
 * <p>The protocol is spoken directly with {@code java.net.http}, a dozen commands, rather than
 * through Selenium, whose dependency tree does not fit the build's upper-bound rule.
 */
public final class Browser implements AutoCloseable {

    /** The key of a web element reference in the W3C protocol. */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final Process driver;
    private final URI base;
    private final Path profile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String session;

    private Browser(Process driver, URI base, Path profile) {
        this.driver = driver;
        this.base = base;
        this.profile = profile;
        try {
            this.session = newSession();
        } catch (RuntimeException e) {
            stopDriver();
            throw e;
        }
    }

    public static Path chromium() {
        return Path.of(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));
    }

    public static Path chromedriver() {
        return Path.of(System.getProperty("switchboard.chromedriver", "/usr/bin/chromedriver"));
    }

    /** Fails, saying what to install, unless Chromium and its driver are there. */
    public static void requireInstalled() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(chromium())) {
            missing.add("Chromium at " + chromium());
        }
        if (!Files.isExecutable(chromedriver())) {
            missing.add("chromedriver at " + chromedriver());
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("browser tests need " + String.join(" and ", missing)
                    + ": install them (Debian: apt-get install chromium chromium-driver) or name them with"
                    + " -Dswitchboard.chromium=… -Dswitchboard.chromedriver=…");
        }
    }

    /** A new headless Chromium with an empty profile. */
    public static Browser start() {
        requireInstalled();
        int port = freePort();
        Path profile;
        Process driver;
        try {
            profile = Files.createTempDirectory("switchboard-chromium");
            driver = new ProcessBuilder(chromedriver().toString(), "--port=" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(profile.resolve("chromedriver.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + chromedriver(), e);
        }
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitDriver(driver, base);
        return new Browser(driver, base, profile);
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitDriver(Process driver, URI base) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!driver.isAlive()) {
                throw new IllegalStateException("chromedriver exited with " + driver.exitValue());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && parse(r.body()).asJsonObject().getJsonObject("value").getBoolean("ready", false)) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause(100);
        }
        driver.destroyForcibly();
        throw new IllegalStateException("chromedriver did not answer on " + base);
    }

    private String newSession() {
        JsonArrayBuilder args = Json.createArrayBuilder()
                .add("--headless=new")
                .add("--no-sandbox")
                .add("--disable-dev-shm-usage")
                .add("--disable-gpu")
                .add("--no-first-run")
                .add("--no-default-browser-check")
                .add("--disable-background-networking")
                .add("--disable-component-update")
                .add("--window-size=1400,1000")
                .add("--lang=zh-CN")
                .add("--user-data-dir=" + profile);
        JsonObject capabilities = Json.createObjectBuilder()
                .add("browserName", "chrome")
                .add("goog:chromeOptions", Json.createObjectBuilder()
                        .add("binary", chromium().toString())
                        .add("args", args))
                .add("goog:loggingPrefs", Json.createObjectBuilder().add("browser", "ALL"))
                .build();
        JsonObject created = command("POST", "/session", Json.createObjectBuilder()
                .add("capabilities", Json.createObjectBuilder().add("alwaysMatch", capabilities)).build())
                .asJsonObject();
        return created.getString("sessionId");
    }

    // ---- navigation and scripts ----------------------------------------------------------------

    public Browser open(URI url) {
        session("POST", "/url", Json.createObjectBuilder().add("url", url.toString()).build());
        return this;
    }

    public Browser reload() {
        session("POST", "/refresh", JsonValue.EMPTY_JSON_OBJECT);
        return this;
    }

    public String url() {
        return ((JsonString) session("GET", "/url", null)).getString();
    }

    /**
     * Renders pages as a phone of {@code width} x {@code height} CSS pixels does (touch-sized viewport,
     * the page's {@code <meta name="viewport">} honoured), through Chromium's device emulation, as
     * DevTools' device mode does; it lasts for the session, across navigations.
     */
    public Browser phone(int width, int height) {
        session("POST", "/goog/cdp/execute", Json.createObjectBuilder()
                .add("cmd", "Emulation.setDeviceMetricsOverride")
                .add("params", Json.createObjectBuilder().add("width", width).add("height", height)
                        .add("deviceScaleFactor", 2).add("mobile", true))
                .build());
        return this;
    }

    /**
     * Runs {@code script} as a function body ({@code arguments[0]} … are {@code args}) and returns
     * what it returns: String, Boolean, Long/Double, List, an {@link Element}, or null.
     */
    public Object script(String script, Object... args) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (Object arg : args) {
            a.add(toJson(arg));
        }
        return fromJson(session("POST", "/execute/sync", Json.createObjectBuilder()
                .add("script", script).add("args", a).build()));
    }

    // ---- finding elements ----------------------------------------------------------------------

    /** Every element matching the CSS selector now (none: an empty list). */
    public List<Element> all(String css) {
        JsonArray found = session("POST", "/elements", locator(css)).asJsonArray();
        List<Element> elements = new ArrayList<>();
        for (JsonValue v : found) {
            elements.add(new Element(v.asJsonObject().getString(ELEMENT), css));
        }
        return elements;
    }

    /** The first element matching now, if any. */
    public Optional<Element> first(String css) {
        List<Element> all = all(css);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** The first element matching, waiting up to {@link #DEFAULT_WAIT} for it to appear. */
    public Element find(String css) {
        return await("an element " + css, DEFAULT_WAIT, () -> first(css).orElse(null));
    }

    /** The first element matching {@code css} whose text contains {@code text}, waiting for it. */
    public Element findWithText(String css, String text) {
        return await(css + " with text " + text, DEFAULT_WAIT, () -> all(css).stream()
                .filter(e -> e.text().contains(text)).findFirst().orElse(null));
    }

    /** How many elements match {@code css} and contain {@code text}, now. */
    public long count(String css, String text) {
        return all(css).stream().filter(e -> e.text().contains(text)).count();
    }

    /**
     * Polls {@code probe} until it returns something other than null or {@code false}. On timeout
     * the assertion says what was awaited, at which address, and what the console said.
     */
    public <T> T await(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.get();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
                lastError = null;
            } catch (StaleElement e) {
                lastError = e; // the page re-rendered under us: look again
            }
            pause(100);
        }
        String where;
        try {
            where = url();
        } catch (RuntimeException e) {
            where = "?";
        }
        AssertionError failure = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + " at " + where + "\nbrowser console:\n" + String.join("\n", console()));
        if (lastError != null) {
            failure.addSuppressed(lastError);
        }
        throw failure;
    }

    // ---- evidence ------------------------------------------------------------------------------

    public byte[] screenshot() {
        return Base64.getDecoder().decode(((JsonString) session("GET", "/screenshot", null)).getString());
    }

    /** The page's HTML as it is now. */
    public String html() {
        return ((JsonString) session("GET", "/source", null)).getString();
    }

    /** What the page logged to the console (and network errors) since the last call; empty if unavailable. */
    public List<String> console() {
        try {
            JsonValue logs = session("POST", "/se/log", Json.createObjectBuilder().add("type", "browser").build());
            List<String> lines = new ArrayList<>();
            for (JsonValue v : logs.asJsonArray()) {
                JsonObject o = v.asJsonObject();
                lines.add(o.getString("level", "") + " " + o.getString("message", ""));
            }
            return lines;
        } catch (RuntimeException e) {
            return List.of("(console not available: " + e.getMessage() + ")");
        }
    }

    /** Writes a screenshot, the HTML and the console to {@code dir/name.*}, for a failed test's report. */
    public void saveEvidence(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), screenshot());
            Files.writeString(dir.resolve(name + ".html"), html(), StandardCharsets.UTF_8);
            Files.write(dir.resolve(name + ".console.txt"), console(), StandardCharsets.UTF_8);
            Path driverLog = profile.resolve("chromedriver.log");
            if (Files.exists(driverLog)) {
                Files.copy(driverLog, dir.resolve(name + ".chromedriver.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("could not save the browser's evidence to " + dir + ": " + e);
        }
    }

    @Override
    public void close() {
        try {
            command("DELETE", "/session/" + session, null);
        } catch (RuntimeException e) {
            // the browser is gone already
        }
        stopDriver();
    }

    private void stopDriver() {
        driver.destroy();
        try {
            if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary profile left behind is harmless
        }
    }

    /** An element of the page. */
    public final class Element {
        private final String id;
        private final String selector;

        private Element(String id, String selector) {
            this.id = id;
            this.selector = selector;
        }

        public Element click() {
            element("POST", "/click", JsonValue.EMPTY_JSON_OBJECT);
            return this;
        }

        /**
         * Types {@code text} as keystrokes. ChromeDriver types only the Basic Multilingual Plane, so
         * text with characters beyond it (most emoji) is put in by script, with the input event a
         * keystroke would raise.
         */
        public Element type(String text) {
            if (text.codePoints().allMatch(Character::isBmpCodePoint)) {
                element("POST", "/value", Json.createObjectBuilder().add("text", text).build());
            } else {
                script("var e = arguments[0]; e.focus(); e.value += arguments[1];"
                        + " e.dispatchEvent(new Event('input', {bubbles: true}));", this, text);
            }
            return this;
        }

        public Element clear() {
            element("POST", "/clear", JsonValue.EMPTY_JSON_OBJECT);
            return this;
        }

        /** Picks the option with this value in a {@code <select>}, as a user would (change is raised). */
        public Element select(String value) {
            first("option[value=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]")
                    .orElseThrow(() -> new AssertionError(selector + " has no option " + value))
                    .click();
            return this;
        }

        /** The rendered text (as a user sees it). */
        public String text() {
            return ((JsonString) element("GET", "/text", null)).getString();
        }

        public String attribute(String name) {
            JsonValue v = element("GET", "/attribute/" + name, null);
            return v instanceof JsonString s ? s.getString() : null;
        }

        public String property(String name) {
            Object v = fromJson(element("GET", "/property/" + name, null));
            return v == null ? null : String.valueOf(v);
        }

        public boolean displayed() {
            return element("GET", "/displayed", null) == JsonValue.TRUE;
        }

        /** The first element matching {@code css} inside this one, if any. */
        public Optional<Element> first(String css) {
            JsonArray found = element("POST", "/elements", locator(css)).asJsonArray();
            return found.isEmpty() ? Optional.empty()
                    : Optional.of(new Element(found.getJsonObject(0).getString(ELEMENT), selector + " " + css));
        }

        private JsonValue element(String method, String path, JsonValue body) {
            return session(method, "/element/" + id + path, body);
        }

        @Override
        public String toString() {
            return selector;
        }
    }

    /** The page changed and the element is no longer in it. */
    public static final class StaleElement extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleElement(String message) {
            super(message);
        }
    }

    // ---- the protocol --------------------------------------------------------------------------

    private static JsonObject locator(String css) {
        return Json.createObjectBuilder().add("using", "css selector").add("value", css).build();
    }

    private JsonValue session(String method, String path, JsonValue body) {
        return command(method, "/session/" + session + path, body);
    }

    private JsonValue command(String method, String path, JsonValue body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json; charset=utf-8");
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " to chromedriver", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        JsonValue value = parse(r.body()).asJsonObject().get("value");
        if (r.statusCode() != 200) {
            JsonObject error = value.asJsonObject();
            String code = error.getString("error", "unknown error");
            String message = code + ": " + error.getString("message", "") + " (" + method + " " + path + ")";
            if (code.equals("stale element reference") || code.equals("no such element")) {
                throw new StaleElement(message);
            }
            throw new IllegalStateException(message);
        }
        return value;
    }

    private static JsonValue parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    private JsonValue toJson(Object value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        if (value instanceof Element e) {
            return Json.createObjectBuilder().add(ELEMENT, e.id).build();
        }
        if (value instanceof Boolean bool) {
            return bool ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (value instanceof Integer || value instanceof Long) {
            return Json.createValue(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            return Json.createValue(n.doubleValue());
        }
        return Json.createValue(value.toString());
    }

    private Object fromJson(JsonValue v) {
        switch (v.getValueType()) {
            case NULL:
                return null;
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case STRING:
                return ((JsonString) v).getString();
            case NUMBER:
                JsonNumber n = (JsonNumber) v;
                return n.isIntegral() ? (Object) n.longValue() : (Object) n.doubleValue();
            case ARRAY:
                List<Object> list = new ArrayList<>();
                v.asJsonArray().forEach(x -> list.add(fromJson(x)));
                return list;
            default:
                JsonObject o = v.asJsonObject();
                if (o.containsKey(ELEMENT)) {
                    return new Element(o.getString(ELEMENT), "(from a script)");
                }
                return o;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
