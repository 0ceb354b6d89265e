package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.billing.SandboxBilling;
import io.switchboard.sandbox.smsc.SandboxSmsc;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flow 2 on the distribution as built, with the billing sandbox over SOAP and the customer on SMS
 * through the sandbox SMSC: a fault call, billing asked, then a technician or the arrears answer;
 * billing down and back; billing's fault shown to the agent.
 */
class RepairFlowIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String TECHNICIAN = "tech-zhang";
    static final String TECHNICIAN_PASSWORD = "Tech-" + UUID.randomUUID();
    static final String SERVICE_NUMBER = "10690000";
    static final Duration WAIT = Duration.ofSeconds(30);

    static Phones phones;
    static SandboxSmsc smsc;
    static SandboxBilling billing;
    static TestServer server;
    static Api api;

    @BeforeAll
    static void boot() {
        phones = Phones.start();
        smsc = phones.smsc();
        billing = SandboxBilling.start(TestBroker.freePort());
        server = phones.bind(Distribution.unpack(PASSWORD))
                .configure("io.switchboard.system.billing", "endpoint", billing.url())
                .configure("io.switchboard.system.billing", "failureThreshold", "2")
                .configure("io.switchboard.system.billing", "coolDownSeconds", "2")
                .configure("io.switchboard.system.billing", "retryFirstMillis", "200")
                .configure("io.switchboard.system.billing", "retryMaxSeconds", "1")
                .configure("io.switchboard.flows", "sweepSeconds", "1")
                .configure("io.switchboard.workorders", "sweepSeconds", "1")
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .addAgent(TECHNICIAN, TECHNICIAN_PASSWORD)
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-workorders/workorders-sweep",
                        "switchboard-flows/flows-replies", "switchboard-billing/billing-requests");
        server.start();
        api = new Api(server);
        smsc.awaitBound(WAIT);
        // the routes run before the HTTP whiteboard serves the bundle's endpoints
        Api.await("the flows API", WAIT, () -> api.call("GET", "/switchboard/api/flows?limit=1", null, api.admin()).status() == 200
                && api.call("GET", "/switchboard/api/systems", null, api.admin()).status() == 200);
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
        if (smsc != null) {
            smsc.close();
        }
        if (billing != null) {
            billing.close();
        }
    }

    static String newPhone(String prefix) {
        return "+86" + prefix + (10_000_000 + (int) (Math.random() * 89_999_999));
    }

    static String faultCall(String phone, String fault) {
        smsc.deliver(phone.substring(1), SERVICE_NUMBER, fault);
        return Phones.customerIdOf(api, phone);
    }

    static Api.Reply startFlow(String customerId, String account, String fault, String requestId) {
        return api.call("POST", "/switchboard/api/flows/repair", "{\"customerId\":\"" + customerId + "\",\"account\":\""
                + account + "\",\"fault\":\"" + fault + "\",\"requestId\":\"" + requestId + "\"}", api.admin());
    }

    static JsonObject awaitFlow(String id, String state) {
        return Api.await("flow " + id + " in " + state, WAIT, () -> {
            JsonObject f = api.expect(200, "GET", "/switchboard/api/flows/" + id, null, api.admin()).json();
            return f.getString("state").equals(state) ? f : null;
        });
    }

    static List<JsonObject> workOrdersOf(String customerId) {
        return api.expect(200, "GET", "/switchboard/api/workorders?customerId=" + customerId, null, api.admin()).array()
                .getValuesAs(JsonObject.class);
    }

    static List<String> timeline(String customerId) {
        return api.expect(200, "GET", "/switchboard/api/customers/" + customerId + "/timeline?limit=100", null, api.admin())
                .json().getJsonArray("entries").getValuesAs(JsonObject.class).stream()
                .map(e -> e.containsKey("summary") ? e.getString("summary") : "").toList();
    }

    static JsonObject step(String id, String to, String eta, String authorization) {
        return api.expect(200, "POST", "/switchboard/api/workorders/" + id + "/transitions",
                "{\"to\":\"" + to + "\"" + (eta == null ? "" : ",\"eta\":\"" + eta + "\"") + "}", authorization).json();
    }

    @Test
    void anActiveAccountGetsATechnicianWhoseStepsTheCustomerHearsBySmsAndRates() {
        billing.active("A-1001", "58.20");
        String phone = newPhone("137");
        String customerId = faultCall(phone, "家里宽带从早上开始断了，光猫红灯");
        String requestId = UUID.randomUUID().toString();
        Api.Reply started = startFlow(customerId, "A-1001", "宽带中断，光猫 LOS 红灯", requestId);
        assertEquals(201, started.status(), started.body());
        String flowId = started.json().getString("id");
        assertEquals(200, startFlow(customerId, "A-1001", "宽带中断，光猫 LOS 红灯", requestId).status(), "a repeat is the same flow");

        JsonObject flow = awaitFlow(flowId, "REPAIR_ORDERED");
        assertEquals("ACTIVE", flow.getJsonObject("billing").getString("status"));
        String orderId = flow.getString("workOrderId");
        String number = flow.getString("workOrderNumber");
        List<JsonObject> orders = workOrdersOf(customerId);
        assertEquals(1, orders.size());
        assertEquals("repair", orders.get(0).getString("type"));
        assertEquals("field", orders.get(0).getString("team"));
        assertEquals("A-1001", orders.get(0).getJsonObject("references").getString("billingAccount"));
        assertTrue(timeline(customerId).stream().anyMatch(s -> s.startsWith("Billing asked about account A-1001")));

        api.expect(200, "POST", "/switchboard/api/workorders/" + orderId + "/assignment",
                "{\"team\":\"field\",\"assignee\":\"" + TECHNICIAN + "\"}", api.admin());
        String technician = TestServer.basicAuth(TECHNICIAN, TECHNICIAN_PASSWORD);
        step(orderId, "dispatched", "15:00", technician);
        step(orderId, "on_site", null, technician);
        step(orderId, "fixed", null, technician);
        step(orderId, "closed", null, api.admin());
        List<String> told = phones.awaitTexts(phone, 4);
        assertEquals("您的报修单 " + number + " 已派给技术员 " + TECHNICIAN + "，预计 15:00 上门。", told.get(0));
        assertEquals("技术员已到达。", told.get(1));
        assertTrue(told.get(2).startsWith("故障已修复（" + number + "）"), told.get(2));
        assertTrue(told.get(3).contains("请为本次维修服务打分"), told.get(3));

        smsc.deliver(phone.substring(1), SERVICE_NUMBER, "5");
        JsonObject rated = Api.await("the score", WAIT, () -> {
            JsonObject o = api.expect(200, "GET", "/switchboard/api/workorders/" + orderId, null, api.admin()).json();
            return o.get("satisfaction") != null && o.get("satisfaction").getValueType() == JsonValue.ValueType.NUMBER ? o : null;
        });
        assertEquals(5, rated.getInt("satisfaction"));
    }

    @Test
    void aSuspendedAccountIsToldItsArrearsBySmsAndNoTechnicianGoes() {
        billing.suspended("A-2002", "86.50", Instant.parse("2026-11-20T02:00:00Z"));
        String phone = newPhone("138");
        String customerId = faultCall(phone, "电话打不出去了");
        Api.Reply started = startFlow(customerId, "A-2002", "电话无法拨出", UUID.randomUUID().toString());
        assertEquals(201, started.status(), started.body());
        JsonObject flow = awaitFlow(started.json().getString("id"), "ARREARS_TOLD");
        assertEquals("86.50", flow.getJsonObject("billing").getString("arrears"));
        String sms = phones.awaitTexts(phone, 1).get(0);
        assertTrue(sms.contains("因欠费 ¥86.50") && sms.contains("2026-11-20") && sms.contains("A-2002"), sms);
        assertEquals(List.of(), workOrdersOf(customerId));
    }

    @Test
    void whileBillingIsDownTheFlowWaitsAndCompletesWithOneWorkOrderWhenItIsBack() {
        billing.active("A-3003", "12.00");
        String phone = newPhone("139");
        String customerId = faultCall(phone, "网络很慢，经常掉线");
        int port = billing.port();
        billing.stop();
        try {
            Api.Reply started = startFlow(customerId, "A-3003", "网络频繁掉线", UUID.randomUUID().toString());
            assertEquals(201, started.status(), started.body());
            String flowId = started.json().getString("id");
            JsonObject waiting = Api.await("billing unavailable on the flow", WAIT, () -> {
                JsonObject f = api.expect(200, "GET", "/switchboard/api/flows/" + flowId, null, api.admin()).json();
                return f.getString("note", "").startsWith("billing unavailable since") ? f : null;
            });
            assertEquals("WAITING_FOR_BILLING", waiting.getString("state"));
            assertTrue(waiting.getString("note").contains(", retrying"), waiting.toString());
            JsonObject down = api.expect(200, "GET", "/switchboard/api/systems/billing", null, api.admin()).json();
            assertEquals("DOWN", down.getString("state"));
            assertTrue(api.expect(200, "GET", "/switchboard/api/systems", null, api.admin()).body().contains("\"billing\""));
            assertEquals(List.of(), workOrdersOf(customerId));

            billing.start();
            assertEquals(port, billing.port());
            JsonObject done = awaitFlow(flowId, "REPAIR_ORDERED");
            assertEquals(1, workOrdersOf(customerId).size(), "exactly one work order");
            assertEquals(done.getString("workOrderId"), workOrdersOf(customerId).get(0).getString("id"));
            Api.await("billing up again", WAIT, () -> "UP".equals(api.expect(200, "GET", "/switchboard/api/systems/billing",
                    null, api.admin()).json().getString("state")));
        } finally {
            billing.start();
        }
    }

    @Test
    void anotherBillingEndpointInTheConfigurationAppliesWithoutARestart() {
        try (SandboxBilling other = SandboxBilling.start(TestBroker.freePort())) {
            other.active("B-5005", "1.00");
            String phone = newPhone("135");
            String customerId = faultCall(phone, "固话没有拨号音");
            server.configure("io.switchboard.system.billing", "endpoint", other.url());
            Api.await("the connector on the new endpoint", WAIT, () -> server.log().contains("billing: now " + other.url()));
            try {
                // the first sandbox does not know B-5005: only the new endpoint makes this a repair
                Api.Reply started = startFlow(customerId, "B-5005", "固话无拨号音", UUID.randomUUID().toString());
                assertEquals(201, started.status(), started.body());
                awaitFlow(started.json().getString("id"), "REPAIR_ORDERED");
                assertEquals(List.of("B-5005"), other.asked());
            } finally {
                server.configure("io.switchboard.system.billing", "endpoint", billing.url());
                Api.await("the connector back on the first endpoint", WAIT, () -> server.log().lastIndexOf("billing: now "
                        + billing.url()) > server.log().lastIndexOf("billing: now " + other.url()));
            }
        }
    }

    @Test
    void billingsFaultIsShownOnTheFlowAndTheTimeline() {
        String phone = newPhone("136");
        String customerId = faultCall(phone, "我要报修，账号是 NOPE-404");
        Api.Reply started = startFlow(customerId, "NOPE-404", "无法上网", UUID.randomUUID().toString());
        assertEquals(201, started.status(), started.body());
        JsonObject failed = awaitFlow(started.json().getString("id"), "FAILED");
        assertEquals("Account NOPE-404 not found", failed.getString("billingFault"));
        assertTrue(failed.getString("outcome").contains("Account NOPE-404 not found"), failed.toString());
        assertTrue(timeline(customerId).stream().anyMatch(s -> s.contains("Billing answered with a fault: Account NOPE-404 not found")),
                timeline(customerId).toString());
        assertEquals(List.of(), workOrdersOf(customerId));
        assertEquals(400, api.call("POST", "/switchboard/api/flows/repair", "{\"customerId\":\"" + customerId + "\"}",
                api.admin()).status());
        assertEquals(404, api.call("GET", "/switchboard/api/flows/no-such-flow", null, api.admin()).status());
    }
}
