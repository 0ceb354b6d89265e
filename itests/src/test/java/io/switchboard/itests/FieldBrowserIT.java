package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.smsc.SandboxSmsc;
import io.switchboard.testkit.TestServer;
import io.switchboard.testkit.browser.Browser;
import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The field workers' app in a headless Chromium the size of a phone, against the distribution as
 * built, with the customer on SMS through the sandbox SMSC: a courier logs in, finds the pickup a
 * dispatcher gave them with its special requirements, sets off with an ETA, picks up, adds a photo
 * and writes to the customer, who gets each step as SMS; the history shows it all. A failed test
 * leaves the browser's screenshot, HTML and console in {@code target/browser-evidence}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FieldBrowserIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String COURIER = "courier-zhao";
    static final String COURIER_PASSWORD = "Courier-" + UUID.randomUUID();
    static final String SERVICE_NUMBER = "10690000";
    static final int PHONE_WIDTH = 375;
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path EVIDENCE = Path.of(System.getProperty("switchboard.itest.dir", "target/servers"))
            .resolveSibling("browser-evidence");
    /** A 1x1 PNG: what the phone's camera hands the page, as far as the server can tell. */
    static final byte[] PHOTO = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    static Phones phones;
    static SandboxSmsc smsc;
    static TestServer server;
    static Api api;

    Browser browser;

    @RegisterExtension
    final AfterTestExecutionCallback evidence = context -> {
        if (context.getExecutionException().isPresent() && browser != null) {
            browser.saveEvidence(EVIDENCE, context.getRequiredTestMethod().getName() + "-field");
        }
    };

    @BeforeAll
    static void boot() {
        // before the server boots: without Chromium this class fails at once, saying what to install
        Browser.requireInstalled();
        phones = Phones.start();
        smsc = phones.smsc();
        server = phones.bind(Distribution.unpack(PASSWORD))
                .configure("io.switchboard.workorders", "sweepSeconds", "1")
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .addUser(COURIER, COURIER_PASSWORD, "fieldgroup")
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-workorders/workorders-sweep",
                        "switchboard-desk/desk-events");
        server.start();
        api = new Api(server);
        smsc.awaitBound(WAIT);
        Api.await("the pickup type", WAIT, () -> api.call("GET", "/switchboard/api/workorders/types", null, api.admin())
                .body().contains("\"pickup\""));
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (smsc != null) {
            smsc.close();
        }
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    static int status(HttpClient http, String path) {
        try {
            return http.send(HttpRequest.newBuilder(server.url(path)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Clicks the element once it is there; the app re-renders as events arrive, so it is looked up afresh. */
    static void click(Browser b, String css) {
        b.await("to click " + css, WAIT, () -> b.first(css).map(e -> {
            e.click();
            return true;
        }).orElse(null));
    }

    static String orderState(Browser b) {
        return b.first("#order-state").map(e -> e.attribute("data-state")).orElse(null);
    }

    @Test
    @Order(1)
    void theAppIsServedInUtf8FromOurServerOnly() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        // the HTTP whiteboard publishes files a moment after the bundles' routes report started
        for (String file : List.of("/switchboard/field/field.js", "/switchboard/field/field.css")) {
            Api.await(file, WAIT, () -> status(http, file) == 200);
        }
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.url("/switchboard/field/")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").toLowerCase().contains("charset=utf-8"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        assertTrue(page.body().contains("特殊要求"), "served as UTF-8, Chinese intact");
        HttpResponse<String> bare = http.send(HttpRequest.newBuilder(server.url("/switchboard/field")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, bare.statusCode());
        assertTrue(bare.headers().firstValue("Location").orElse("").endsWith("/switchboard/field/"));
    }

    @Test
    @Order(2)
    void aCourierOnAPhoneTakesAPickupFromAssignedToPickedUpAndTheCustomerHearsEachStep() throws Exception {
        String phone = "+86139" + (10_000_000 + (int) (Math.random() * 89_999_999));
        smsc.deliver(phone.substring(1), SERVICE_NUMBER, "我有两件超大行李要寄，能上门取吗？");
        JsonObject conversation = Phones.conversationOf(api, phone);
        String customerId = conversation.getString("customerId");
        api.expect(200, "PUT", "/switchboard/api/customers/" + customerId, "{\"name\":\"李女士\"}", api.admin());

        // the dispatcher's side: a pickup due in two hours, and a repair already late
        JsonObject order = api.expect(201, "POST", "/switchboard/api/workorders", "{\"type\":\"pickup\",\"customerId\":\""
                + customerId + "\",\"conversationId\":\"" + conversation.getString("id") + "\",\"title\":\"超大行李上门取件\","
                + "\"details\":\"两件，其中一件 50 公斤；朝阳区建国路 88 号 3 单元\",\"requirements\":[\"needs a van\",\"large bag\"],"
                + "\"team\":\"logistics\",\"assignee\":\"" + COURIER + "\",\"dueAt\":\"" + Instant.now().plusSeconds(7200) + "\"}",
                api.admin()).json();
        String id = order.getString("id");
        String number = order.getString("number");
        JsonObject late = api.expect(201, "POST", "/switchboard/api/workorders", "{\"type\":\"repair\",\"customerId\":\""
                + customerId + "\",\"title\":\"宽带故障\",\"team\":\"field\",\"assignee\":\"" + COURIER + "\",\"dueAt\":\""
                + Instant.now().minusSeconds(600) + "\"}", api.admin()).json();
        api.expect(200, "POST", "/switchboard/api/workorders/" + id + "/transitions", "{\"to\":\"assigned\"}", api.admin());
        assertEquals("您的取件单 " + number + " 已受理，快递员 " + COURIER + " 将为您上门取件。", phones.awaitTexts(phone, 1).get(0));

        browser = Browser.start().phone(PHONE_WIDTH, 812);
        Browser b = browser;
        b.open(server.url("/switchboard/field/"));
        b.find("#login-user").type(COURIER);
        b.find("#login-password").type(COURIER_PASSWORD);
        b.find("#login-submit").click();
        b.await("the list after login", WAIT, () -> b.find("#list-view").displayed());
        assertEquals(COURIER, b.find("#me-name").text());
        b.await("pushed updates", WAIT, () -> "true".equals(b.find("#live").attribute("data-live")));

        String item = "#orders [data-order-id=\"" + id + "\"]";
        b.await("the pickup with its customer and requirements", WAIT, () -> b.first(item)
                .map(e -> e.text()).filter(t -> t.contains(number) && t.contains("上门取件") && t.contains("李女士")
                        && t.contains("needs a van") && t.contains("large bag") && t.contains("已派单"))
                .orElse(null));
        Browser.Element first = b.find("#orders .order");
        assertEquals(late.getString("id"), first.attribute("data-order-id"), "the late order is on top");
        assertTrue(first.attribute("class").contains("overdue"), first.attribute("class"));
        assertEquals(Long.valueOf(PHONE_WIDTH), b.script("return window.innerWidth;"));
        assertEquals(Boolean.TRUE, b.script("return document.documentElement.scrollWidth <= window.innerWidth;"),
                "nothing sticks out sideways on a phone");

        click(b, item);
        b.await("the order", WAIT, () -> id.equals(b.find("#order-view").attribute("data-order-id")));
        Browser.Element requirements = b.find("#requirements");
        assertTrue(requirements.displayed());
        assertTrue(requirements.text().contains("needs a van") && requirements.text().contains("large bag"), requirements.text());
        assertTrue(b.find("#order-details").text().contains("建国路 88 号"));
        assertEquals("tel:" + phone, b.find("#customer-phones a").attribute("href"));
        assertTrue(b.find("#eta-row").displayed(), "en_route tells the customer an ETA");
        assertEquals(Boolean.TRUE, b.script("return document.documentElement.scrollWidth <= window.innerWidth;"));

        // without an ETA the customer would read "预计 到达": the app asks for it first
        click(b, "#steps [data-to=\"en_route\"]");
        b.await("the ETA asked for", WAIT, () -> b.find("#step-status").text().contains("ETA"));
        assertEquals("assigned", orderState(b));

        b.find("#step-eta").type("14:30");
        b.find("#step-note").type("带了货车");
        click(b, "#steps [data-to=\"en_route\"]");
        b.await("en route", WAIT, () -> "en_route".equals(orderState(b)));
        assertEquals("快递员已出发，预计 14:30 到达。带了货车", phones.awaitTexts(phone, 2).get(1));
        assertTrue(b.find("#eta-row").attribute("hidden") != null, "picked_up needs no ETA");

        click(b, "#steps [data-to=\"picked_up\"]");
        b.await("picked up", WAIT, () -> "picked_up".equals(orderState(b)));
        assertEquals("您的物品已取件（" + number + "）。", phones.awaitTexts(phone, 3).get(2));

        Path photo = Files.createTempFile("field-photo", ".png");
        Files.write(photo, PHOTO);
        b.find("#photo-input").type(photo.toAbsolutePath().toString());
        b.await("the photo shown", WAIT, () -> b.first("#photos img").map(e -> e.attribute("src"))
                .filter(src -> src != null && src.startsWith("blob:")).orElse(null));
        Files.deleteIfExists(photo);

        b.find("#message-text").type("您好，我已取到行李，预计明天送达。");
        click(b, "#message-send");
        b.await("the message sent", WAIT, () -> b.find("#message-status").text().contains("Sent"));
        assertEquals("您好，我已取到行李，预计明天送达。", phones.awaitTexts(phone, 4).get(3));

        // a dispatcher's note arrives by itself: pushed, not reloaded
        api.expect(201, "POST", "/switchboard/api/workorders/" + id + "/notes", "{\"text\":\"客户改约明早\"}", api.admin());
        b.await("the dispatcher's note", WAIT, () -> b.count("#history li", "客户改约明早") == 1 ? true : null);

        List<String> steps = b.all("#history li[data-kind=\"STATE\"]").stream().map(e -> e.attribute("data-to")).toList();
        assertEquals(List.of("picked_up", "en_route", "assigned"), steps, "newest first");
        assertTrue(b.findWithText("#history li", "ETA 14:30").text().contains("带了货车"));
        assertEquals(1, b.count("#history li[data-kind=\"ATTACHMENT\"]", ".png"));
        assertEquals(1, b.count("#history li[data-kind=\"CREATED\"]", ""));

        assertEquals(List.of("CREATED", "STATE", "STATE", "STATE", "ATTACHMENT", "NOTE"),
                api.expect(200, "GET", "/switchboard/api/workorders/" + id + "/history", null, api.admin()).array()
                        .getValuesAs(JsonObject.class).stream().map(c -> c.getString("kind")).toList());
        List<JsonObject> history = api.expect(200, "GET", "/switchboard/api/workorders/" + id + "/history", null, api.admin())
                .array().getValuesAs(JsonObject.class);
        assertEquals(COURIER, history.get(2).getString("by"), "the courier's own login is on their steps");

        // another field worker reaches none of it: not the order, its photos or history, nor its customer
        server.addUser("courier-qian", COURIER_PASSWORD, "fieldgroup");
        String qian = TestServer.basicAuth("courier-qian", COURIER_PASSWORD);
        for (String path : List.of("/switchboard/api/workorders/" + id, "/switchboard/api/workorders/" + id + "/history",
                "/switchboard/api/workorders/" + id + "/attachments/any", "/switchboard/api/customers/" + customerId)) {
            Api.Reply r = api.call("GET", path, null, qian);
            assertEquals(403, r.status(), path + ": " + r.body());
        }
        assertEquals(403, api.call("POST", "/switchboard/api/workorders/" + id + "/transitions", "{\"to\":\"delivered\"}", qian).status());
        assertEquals(403, api.call("POST", "/switchboard/api/conversations/" + conversation.getString("id") + "/replies",
                "{\"text\":\"我是另一位快递员\"}", qian).status());
        assertEquals(List.of(), api.expect(200, "GET", "/switchboard/api/workorders", null, qian).array(),
                "a field worker's list is their own orders, asked for or not");
        api.expect(200, "GET", "/switchboard/api/customers/" + customerId, null, TestServer.basicAuth(COURIER, COURIER_PASSWORD));
    }
}
