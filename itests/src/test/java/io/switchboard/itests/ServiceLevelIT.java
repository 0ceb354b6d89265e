package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.smsc.SandboxSmsc;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flow 4 on the distribution as built, customers and the supervisor on SMS through the sandbox SMSC:
 * conversations wait with no centre agent, the service level drops below target, the breach shows in
 * the KPI API and its stream, the supervisor gets an SMS, and a REMOTE agent gets a waiting
 * conversation long before overflowAfterSeconds; then twenty complaints about one area make one
 * network work order, and closing it tells every complainant.
 */
class ServiceLevelIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String AGENT_PASSWORD = "Agent-" + UUID.randomUUID();
    static final String SUPERVISOR = "it-supervisor";
    static final String SUPERVISOR_PHONE = "+8613800000000";
    static final String SERVICE_NUMBER = Phones.SERVICE_NUMBER;
    static final Duration WAIT = Duration.ofSeconds(30);

    static Phones phones;
    static SandboxSmsc smsc;
    static TestServer server;
    static Api api;

    @BeforeAll
    static void boot() throws Exception {
        phones = Phones.start();
        smsc = phones.smsc();
        server = phones.bind(Distribution.unpack(PASSWORD))
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .configure("io.switchboard.routing", "overflowAfterSeconds", "600")
                .configure("io.switchboard.kpis", "refreshSeconds", "1")
                .configure("io.switchboard.kpis", "slaSeconds", "2")
                .configure("io.switchboard.kpis", "minConversations", "3")
                .configure("io.switchboard.kpis", "alert.to", "sms:" + SUPERVISOR_PHONE)
                .configure("io.switchboard.kpis", "complaint.threshold", "5")
                .addAgent("it-remote", AGENT_PASSWORD)
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-kpis/kpis-events",
                        "switchboard-kpis/kpis-refresh");
        // a supervisor: an agent with the supervisor role (Karaf reads users.properties at each login)
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(AGENT_PASSWORD.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (byte b : digest) {
            hex.append(String.format("%02x", b));
        }
        Files.writeString(server.home().resolve("etc/users.properties"), "\n" + SUPERVISOR + " = {CRYPT}" + hex
                + "{CRYPT},supervisor,_g_:agentgroup\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        server.start();
        api = new Api(server);
        smsc.awaitBound(WAIT);
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

    static String supervisor() {
        return TestServer.basicAuth(SUPERVISOR, AGENT_PASSWORD);
    }

    static String remote() {
        return TestServer.basicAuth("it-remote", AGENT_PASSWORD);
    }

    static JsonObject breach(JsonObject kpis, String queue) {
        return kpis.getJsonArray("breaches").getValuesAs(JsonObject.class).stream()
                .filter(b -> b.getString("queue").equals(queue)).findFirst().orElse(null);
    }

    @Test
    void aQueueBelowTargetIsSeenAlertedAndOverflowsAndComplaintsBecomeOneNetworkIncident() throws Exception {
        api.expect(200, "PUT", "/switchboard/api/agents/it-remote", "{\"name\":\"远程坐席\",\"skills\":{},"
                + "\"capacity\":{\"*\":50},\"workplace\":\"REMOTE\"}", api.admin());
        api.expect(200, "PUT", "/switchboard/api/agents/me/presence", "{\"presence\":\"AVAILABLE\"}", remote());
        assertEquals(403, api.call("GET", "/switchboard/api/kpis", null, remote()).status(), "agents do not see the KPIs");

        // one conversation alone is no breach: it waits for a centre agent as overflowAfterSeconds says
        smsc.deliver("8613900000001", SERVICE_NUMBER, "你好，我想咨询一下套餐。");
        Phones.conversationOf(api, "+8613900000001");
        Thread.sleep(4_000);
        assertEquals(0, api.expect(200, "GET", "/switchboard/api/agents/me", null, remote()).json().getInt("load"),
                "no breach yet: the REMOTE agent waits for the overflow time");
        JsonObject quiet = api.expect(200, "GET", "/switchboard/api/kpis", null, supervisor()).json();
        assertTrue(quiet.getJsonArray("breaches").isEmpty(), quiet.toString());

        CompletableFuture<List<String>> stream = CompletableFuture.supplyAsync(ServiceLevelIT::streamUntilBreach, Http.STREAMS);
        smsc.deliver("8613900000002", SERVICE_NUMBER, "请问宽带怎么续费？");
        smsc.deliver("8613900000003", SERVICE_NUMBER, "我的账单有问题");

        JsonObject kpis = Api.await("the breach in GET /kpis", WAIT, () -> {
            JsonObject k = api.expect(200, "GET", "/switchboard/api/kpis", null, supervisor()).json();
            return breach(k, "general") != null ? k : null;
        });
        JsonObject general = kpis.getJsonArray("queues").getValuesAs(JsonObject.class).stream()
                .filter(q -> q.getString("queue").equals("general")).findFirst().orElseThrow();
        assertTrue(general.getBoolean("breached"));
        assertTrue(general.getJsonNumber("serviceLevel").doubleValue() < 0.8, general.toString());
        assertEquals(1, kpis.getJsonObject("agentsAvailable").getInt("REMOTE"));
        assertEquals(0, kpis.getJsonObject("agentsAvailable").getInt("CENTRE"));

        List<String> lines = stream.get(60, TimeUnit.SECONDS);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("data: ") && l.contains("\"queue\":\"general\"")), lines.toString());

        String alert = phones.awaitTexts(SUPERVISOR_PHONE, 1).get(0);
        assertTrue(alert.contains("general") && alert.contains("低于目标 80%"), alert);

        JsonObject me = Api.await("a waiting conversation for the REMOTE agent", WAIT, () -> {
            JsonObject m = api.expect(200, "GET", "/switchboard/api/agents/me", null, remote()).json();
            return m.getInt("load") >= 1 ? m : null;
        });
        assertTrue(me.getInt("load") >= 1, "overflow at once while breached, not after 600 s");

        // twenty complaints about 浦东 from twenty phones: one network incident
        List<String> complainants = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String phone = String.format("+86137100000%02d", i);
            complainants.add(phone);
            smsc.deliver(phone.substring(1), SERVICE_NUMBER, "浦东这边又断网了，什么时候能修好？（" + i + "）");
        }
        JsonObject incident = Api.await("one incident with 20 complaints", Duration.ofSeconds(60), () -> {
            List<JsonObject> open = api.expect(200, "GET", "/switchboard/api/kpis/incidents?open=true", null, supervisor())
                    .array().getValuesAs(JsonObject.class);
            return open.size() == 1 && open.get(0).getInt("complaints") == 20 ? open.get(0) : null;
        });
        assertEquals("浦东", incident.getString("area"));
        List<JsonObject> network = api.expect(200, "GET", "/switchboard/api/workorders?team=network&limit=100", null,
                api.admin()).array().getValuesAs(JsonObject.class);
        assertEquals(1, network.size(), network.toString());
        String id = network.get(0).getString("id");
        String number = network.get(0).getString("number");
        assertEquals("network", network.get(0).getString("type"));
        assertEquals(id, incident.getString("workOrderId"));

        String someone = Phones.customerIdOf(api, complainants.get(11));
        List<JsonObject> timeline = api.expect(200, "GET", "/switchboard/api/customers/" + someone + "/timeline?limit=100",
                null, api.admin()).json().getJsonArray("entries").getValuesAs(JsonObject.class);
        assertEquals(1, timeline.stream().filter(e -> e.containsKey("summary")
                && e.getString("summary").equals("linked to network incident " + number)).count(), timeline.toString());

        for (String to : List.of("investigating", "resolved", "closed")) {
            api.expect(200, "POST", "/switchboard/api/workorders/" + id + "/transitions", "{\"to\":\"" + to + "\"}",
                    api.admin());
        }
        for (String phone : complainants) {
            List<String> texts = phones.awaitTexts(phone, 2);
            assertEquals("您所在区域的网络故障已修复（" + number + "）。给您带来不便，敬请谅解！", texts.get(texts.size() - 1), phone);
            assertEquals(2, texts.size(), phone + ": " + texts);
        }
        Api.await("the incident closed", WAIT, () -> api.expect(200, "GET", "/switchboard/api/kpis/incidents?open=true",
                null, supervisor()).array().isEmpty());
    }

    /** Reads the KPI stream until a kpi.breached event and its data line came. */
    static List<String> streamUntilBreach() {
        List<String> seen = new ArrayList<>();
        try {
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            server.url("/switchboard/api/kpis/stream")).header("Authorization", supervisor())
                    .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            boolean breached = false;
            for (Iterator<String> it = response.body().iterator(); it.hasNext(); ) {
                String line = it.next();
                if (breached) {
                    seen.add(line);
                    break;
                }
                if (line.equals("event: kpi.breached")) {
                    breached = true;
                    seen.add(line);
                }
            }
            response.body().close();
            return seen;
        } catch (Exception e) {
            throw new IllegalStateException("stream failed after " + seen, e);
        }
    }
}
