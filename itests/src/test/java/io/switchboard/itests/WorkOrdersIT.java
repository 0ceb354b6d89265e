package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.smsc.SandboxSmsc;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Work orders on the distribution as built, with the customer on SMS through the sandbox SMSC: the
 * agent opens a pickup, the courier sees it and moves it on, the customer gets each visible step
 * and the survey as SMS, and their answer is the score.
 */
class WorkOrdersIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String COURIER = "courier-li";
    static final String COURIER_PASSWORD = "Courier-" + UUID.randomUUID();
    static final String SERVICE_NUMBER = "10690000";
    static final Duration WAIT = Duration.ofSeconds(30);

    static Phones phones;
    static SandboxSmsc smsc;
    static TestServer server;
    static Api api;

    @BeforeAll
    static void boot() {
        phones = Phones.start();
        smsc = phones.smsc();
        server = phones.bind(Distribution.unpack(PASSWORD))
                .configure("io.switchboard.workorders", "sweepSeconds", "1")
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .addAgent(COURIER, COURIER_PASSWORD)
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-workorders/workorders-sweep");
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

    static JsonObject step(String id, String to, String eta, String authorization) {
        return api.expect(200, "POST", "/switchboard/api/workorders/" + id + "/transitions",
                "{\"to\":\"" + to + "\"" + (eta == null ? "" : ",\"eta\":\"" + eta + "\"") + "}", authorization).json();
    }

    @Test
    void aPickupReachesTheCourierTheCustomerHearsEachStepAndTheirSurveyAnswerIsTheScore() {
        String phone = "+86137" + (10_000_000 + (int) (Math.random() * 89_999_999));
        smsc.deliver(phone.substring(1), SERVICE_NUMBER, "我有两件超大行李要寄，其中一件 50 公斤，能上门取吗？");
        String customerId = Phones.customerIdOf(api, phone);

        JsonObject order = api.expect(201, "POST", "/switchboard/api/workorders", "{\"type\":\"pickup\",\"customerId\":\""
                + customerId + "\",\"title\":\"超大行李上门取件\",\"details\":\"两件，其中一件 50 公斤\","
                + "\"requirements\":[\"needs a van\",\"large bag\"],\"team\":\"logistics\",\"assignee\":\"" + COURIER + "\"}",
                api.admin()).json();
        String id = order.getString("id");
        String number = order.getString("number");
        assertEquals("new", order.getString("state"));

        String courier = TestServer.basicAuth(COURIER, COURIER_PASSWORD);
        JsonObject mine = Api.await("the courier's order", WAIT, () -> api.expect(200, "GET",
                "/switchboard/api/workorders?mine=true", null, courier).array().stream().map(JsonValue::asJsonObject)
                .filter(o -> o.getString("id").equals(id)).findFirst().orElse(null));
        assertEquals(List.of("needs a van", "large bag"),
                mine.getJsonArray("requirements").getValuesAs(jakarta.json.JsonString.class).stream()
                        .map(jakarta.json.JsonString::getString).toList());

        step(id, "assigned", null, api.admin());
        step(id, "en_route", "14:30", courier);
        List<String> told = phones.awaitTexts(phone, 2);
        assertEquals("您的取件单 " + number + " 已受理，快递员 " + COURIER + " 将为您上门取件。", told.get(0));
        assertEquals("快递员已出发，预计 14:30 到达。", told.get(1));
        assertEquals(409, api.call("POST", "/switchboard/api/workorders/" + id + "/transitions", "{\"to\":\"closed\"}",
                courier).status(), "a pickup is not closed before it is delivered");

        step(id, "picked_up", null, courier);
        step(id, "delivered", null, courier);
        step(id, "closed", null, api.admin());
        List<String> all = phones.awaitTexts(phone, 5);
        assertTrue(all.get(4).startsWith("感谢您使用我们的服务！请为本次取件服务打分"), all.get(4));

        smsc.deliver(phone.substring(1), SERVICE_NUMBER, "5");
        JsonObject rated = Api.await("the score", WAIT, () -> {
            JsonObject o = api.expect(200, "GET", "/switchboard/api/workorders/" + id, null, api.admin()).json();
            return o.get("satisfaction") != null && o.get("satisfaction").getValueType() == JsonValue.ValueType.NUMBER ? o : null;
        });
        assertEquals(5, rated.getInt("satisfaction"));
        JsonObject report = api.expect(200, "GET", "/switchboard/api/workorders/satisfaction", null, api.admin()).json();
        assertTrue(report.getJsonObject("pickup").getJsonNumber("rated").doubleValue() >= 1, report.toString());

        List<JsonObject> timeline = api.expect(200, "GET", "/switchboard/api/customers/" + customerId + "/timeline?limit=100",
                null, api.admin()).json().getJsonArray("entries").getValuesAs(JsonObject.class);
        long workOrderSteps = timeline.stream().filter(e -> e.getString("kind").equals("WORK_ORDER")).count();
        long pushes = timeline.stream().filter(e -> e.getString("kind").equals("PUSH")).count();
        assertEquals(7, workOrderSteps, "created, five steps, rated");
        assertEquals(5, pushes, "four steps the customer is told of and the survey");
        assertEquals(List.of("CREATED", "STATE", "STATE", "STATE", "STATE", "STATE", "RATED"),
                api.expect(200, "GET", "/switchboard/api/workorders/" + number + "/history", null, api.admin()).array()
                        .getValuesAs(JsonObject.class).stream().map(c -> c.getString("kind")).toList());
    }

    @Test
    void anOverdueOrderEscalatesAndBadRequestsGetProblems() {
        String phone = "+86136" + (10_000_000 + (int) (Math.random() * 89_999_999));
        smsc.deliver(phone.substring(1), SERVICE_NUMBER, "投诉：快递员态度很差");
        String customerId = Phones.customerIdOf(api, phone);
        JsonObject order = api.expect(201, "POST", "/switchboard/api/workorders", "{\"type\":\"complaint\",\"customerId\":\""
                + customerId + "\",\"title\":\"投诉快递员\",\"team\":\"complaints\",\"dueAt\":\""
                + Instant.now().minusSeconds(5) + "\"}", api.admin()).json();
        JsonObject escalated = Api.await("the escalation", WAIT, () -> {
            JsonObject o = api.expect(200, "GET", "/switchboard/api/workorders/" + order.getString("id"), null, api.admin()).json();
            return o.getBoolean("escalated") ? o : null;
        });
        assertEquals("complaints-supervisors", escalated.getString("team"));

        Api.Reply unknown = api.call("POST", "/switchboard/api/workorders", "{\"type\":\"teleport\",\"customerId\":\""
                + customerId + "\",\"title\":\"x\"}", api.admin());
        assertEquals(400, unknown.status());
        assertTrue(unknown.body().contains("unknown work-order type teleport"), unknown.body());
        assertEquals(404, api.call("GET", "/switchboard/api/workorders/WO-000000-000000", null, api.admin()).status());
        assertEquals(401, api.call("GET", "/switchboard/api/workorders", null, null).status());
    }

    /** One HTTP/1.1 exchange on a raw socket: the request's head, then {@code body} written alongside, the status line read. */
    static String statusLine(String head, java.util.function.Consumer<java.io.OutputStream> body) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.httpPort())) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = new Thread(() -> body.accept(out), "upload");
            writer.setDaemon(true);
            writer.start();
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            StringBuilder answered = new StringBuilder();
            int length = -1;
            boolean chunked = false;
            for (String line; !(line = asciiLine(in)).isEmpty(); ) {
                answered.append(line).append('\n');
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring(15).strip());
                }
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            }
            if (chunked) {
                length = Integer.parseInt(asciiLine(in).strip(), 16);
            }
            byte[] answer = new byte[Math.max(0, length)];
            in.readFully(answer);
            // the rest of the upload is not read: the server answers and closes, whatever the client still sends
            return answered + new String(answer, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static String asciiLine(java.io.InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    static long rssKb() throws Exception {
        long pid = server.jvm().orElseThrow().pid();
        return java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }

    @Test
    void anUploadOverTheLimitIsRefusedWith413BeforeItIsRead() throws Exception {
        String phone = "+86135" + (10_000_000 + (int) (Math.random() * 89_999_999));
        smsc.deliver(phone.substring(1), SERVICE_NUMBER, "我的路由器坏了");
        String customerId = Phones.customerIdOf(api, phone);
        String id = api.expect(201, "POST", "/switchboard/api/workorders", "{\"type\":\"pickup\",\"customerId\":\""
                + customerId + "\",\"title\":\"上传测试\",\"team\":\"logistics\"}", api.admin()).json().getString("id");
        String path = "/switchboard/api/workorders/" + id + "/attachments?name=photo.jpg";
        String auth = "Authorization: " + server.basicAuth() + "\r\n";

        // within the 8 MB the docs promise: taken
        byte[] photo = new byte[1 << 20];
        new java.util.Random(7).nextBytes(photo);
        var http = java.net.http.HttpClient.newHttpClient();
        var taken = http.send(java.net.http.HttpRequest.newBuilder(server.url(path)).header("Authorization", server.basicAuth())
                .header("Content-Type", "image/jpeg").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(photo)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(201, taken.statusCode(), taken.body());

        // 20 MB said up front: 413 with a problem document, nothing read
        var twenty = http.send(java.net.http.HttpRequest.newBuilder(server.url(path)).header("Authorization", server.basicAuth())
                .header("Content-Type", "image/jpeg").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[20 << 20])).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, twenty.statusCode(), twenty.body());
        assertTrue(twenty.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(twenty.body().contains("at most 8388608"), twenty.body());

        // 600 MB announced and only its first 64 KB sent (Jetty hands a request on once some of its body
        // has come): the answer comes at once, and the server does not grow
        long before = rssKb();
        String refused = statusLine("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                + "Content-Type: application/octet-stream\r\nContent-Length: " + (600L << 20) + "\r\n\r\n", out -> {
                    try {
                        out.write(new byte[64 << 10]);
                        out.flush();
                    } catch (java.io.IOException closedByTheServer) {
                        // it may have answered already
                    }
                });
        assertTrue(refused.startsWith("HTTP/1.1 413"), refused);
        assertTrue(rssKb() - before < 50_000, "the server's memory grew by " + (rssKb() - before) + " KB");

        // 600 MB without a length (chunked), sent for as long as the server reads: cut off once it passes
        // the limit, and the server does not grow
        long beforeChunked = rssKb();
        String chunked = statusLine("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n", out -> {
                    try {
                        byte[] chunk = new byte[1 << 20];
                        for (int i = 0; i < 600; i++) {
                            out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                            out.write(chunk);
                            out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        }
                        out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (java.io.IOException closedByTheServer) {
                        // expected once it has answered
                    }
                });
        assertTrue(chunked.startsWith("HTTP/1.1 413"), chunked);
        assertTrue(chunked.contains("the body exceeds 8388608 bytes"), chunked);
        long grown = rssKb() - beforeChunked;
        System.out.printf("The server's RSS grew by %d KB over a refused 600 MB chunked upload%n", grown);
        assertTrue(grown < 50_000, "the server's memory grew by " + grown + " KB");

        String history = api.expect(200, "GET", "/switchboard/api/workorders/" + id + "/history", null, api.admin()).body();
        assertEquals(1, history.split("\"attachmentId\"", -1).length - 1, "only the photo within the limit was kept: " + history);
    }
}
