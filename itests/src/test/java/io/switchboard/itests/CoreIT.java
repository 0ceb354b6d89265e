package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The customer-service core on the distribution as built: the bot answers and hands off, routing
 * by skill, tier, capacity and overflow, one customer across channels, merge and un-merge.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoreIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
    static final String AGENT_PASSWORD = "Agent-" + UUID.randomUUID();
    static final long OVERFLOW_SECONDS = 8;
    static TestServer server;
    static Api api;

    @BeforeAll
    static void boot() {
        server = Distribution.unpack(PASSWORD)
                .configure("io.switchboard.routing", "overflowAfterSeconds", String.valueOf(OVERFLOW_SECONDS))
                .configure("io.switchboard.routing", "intervalMillis", "200")
                .configure("io.switchboard.bot", "handoffSkills", "billing:3")
                .configure("io.switchboard.logins", "firstLockSeconds", "4")
                .addAgent("it-billing", AGENT_PASSWORD)
                .addAgent("it-novice", AGENT_PASSWORD)
                .addAgent("it-home", AGENT_PASSWORD)
                .requireRoutes("switchboard-conversation/conversation-inbound", "switchboard-webchat/webchat-outbound",
                        "switchboard-webchat/webchat-outbound")
                .start();
        api = new Api(server);
        agent("it-billing", "{\"billing\":5}", "{\"webchat\":1}", "CENTRE");
        agent("it-novice", "{\"billing\":1}", "{\"webchat\":5}", "CENTRE");
        agent("it-home", "{\"billing\":5}", "{\"webchat\":1}", "HOME");
        api.expect(201, "POST", "/switchboard/api/kb/articles", """
                {"title":"退款","answer":"退款请在“我的订单”里申请，3个工作日内到账。","keywords":["退款"],
                 "synonyms":["退款,退钱,refund"],"language":"zh","enabled":true}""", api.admin());
    }

    @AfterAll
    static void shutDown() {
        if (server != null) {
            server.stop();
        }
    }

    static void agent(String id, String skills, String capacity, String workplace) {
        api.expect(200, "PUT", "/switchboard/api/agents/" + id, "{\"name\":\"" + id + "\",\"skills\":" + skills
                + ",\"capacity\":" + capacity + ",\"workplace\":\"" + workplace + "\"}", api.admin());
    }

    static void presence(String agentId, String presence) {
        api.expect(200, "PUT", "/switchboard/api/agents/me/presence", "{\"presence\":\"" + presence + "\"}",
                TestServer.basicAuth(agentId, AGENT_PASSWORD));
    }

    /** A visitor writes in the widget; returns the conversation id. */
    static String visitorSays(String visitorId, String text) {
        Api.Reply r = api.expect(202, "POST", "/switchboard/api/webchat/messages", "{\"visitorId\":\"" + visitorId
                + "\",\"text\":\"" + text + "\",\"clientMessageId\":\"" + UUID.randomUUID() + "\"}", null);
        return r.json().getString("conversationId");
    }

    static String visitor() {
        return "it-" + UUID.randomUUID().toString().replace("-", "");
    }

    static JsonObject conversation(String id) {
        Api.Reply r = api.call("GET", "/switchboard/api/conversations/" + id, null, api.admin());
        return r.status() == 200 ? r.json() : null;
    }

    static String state(String id) {
        JsonObject c = conversation(id);
        return c == null ? "NONE" : c.getString("state");
    }

    static JsonObject awaitState(String id, String state, Duration timeout) {
        return Api.await(id + " in " + state, timeout, () -> {
            JsonObject c = conversation(id);
            return c != null && c.getString("state").equals(state) ? c : null;
        });
    }

    /** The bot's and agents' messages so far; none while the conversation is not stored yet. */
    static List<String> outboundTexts(String conversationId) {
        Api.Reply r = api.call("GET", "/switchboard/api/conversations/" + conversationId + "/messages", null, api.admin());
        if (r.status() == 404) {
            return List.of();
        }
        assertEquals(200, r.status(), r.body());
        return r.array().stream().map(JsonValue::asJsonObject)
                .filter(m -> m.getString("direction").equals("OUTBOUND"))
                .map(m -> m.getJsonArray("parts").getJsonObject(0).getString("text")).toList();
    }

    /** Stays as it is for {@code seconds}: what "gets nothing" and "not before" mean. */
    static void staysIn(String conversationId, String state, long seconds) throws InterruptedException {
        long end = System.currentTimeMillis() + seconds * 1000;
        while (System.currentTimeMillis() < end) {
            assertEquals(state, state(conversationId), conversationId + " left " + state + " too early");
            Thread.sleep(250);
        }
    }

    @Test
    @Order(1)
    void theBotAnswersAKnownQuestionAndAHumanIsRequestedWithTransferToAgent() {
        String conversationId = visitorSays(visitor(), "我想退钱，怎么办？");
        List<String> answers = Api.await("the bot's answer", Duration.ofSeconds(30), () -> {
            List<String> out = outboundTexts(conversationId);
            return out.isEmpty() ? null : out;
        });
        assertTrue(answers.get(0).contains("3个工作日内到账"), answers.toString());
        assertEquals("BOT", state(conversationId));
    }

    @Test
    @Order(1)
    void theBotGreetsWithTheWordsOfItsUtf8Configuration() {
        String conversationId = visitorSays(visitor(), "你好");
        List<String> answers = Api.await("the bot's greeting", Duration.ofSeconds(30), () -> {
            List<String> out = outboundTexts(conversationId);
            return out.isEmpty() ? null : out;
        });
        // etc/io.switchboard.bot.cfg holds it in UTF-8: garbled here means the file was read as Latin-1
        assertEquals(List.of("您好！我是智能客服，请问有什么可以帮您？"), answers);
    }

    @Test
    @Order(2)
    void aVipIsAssignedBeforeAnEarlierNonVipOnlyToAnAgentWithTheSkillAndNeverBeyondCapacity() throws Exception {
        String standard = visitorSays(visitor(), "转人工");
        awaitState(standard, "QUEUED", Duration.ofSeconds(30));
        // the VIP first talks to the bot, is made VIP by an admin, then asks for a human
        String vipVisitor = visitor();
        String vip = visitorSays(vipVisitor, "退款怎么申请？");
        Api.await("the bot's answer to the VIP", Duration.ofSeconds(30), () -> !outboundTexts(vip).isEmpty());
        String vipCustomer = conversation(vip).getString("customerId");
        api.expect(200, "PUT", "/switchboard/api/customers/" + vipCustomer, "{\"tier\":\"VIP\"}", api.admin());
        visitorSays(vipVisitor, "我要转人工");
        JsonObject queued = awaitState(vip, "QUEUED", Duration.ofSeconds(30));
        assertEquals(List.of("billing:3"), queued.getJsonArray("skills").getValuesAs(jakarta.json.JsonString::getString));

        presence("it-novice", "AVAILABLE");
        staysIn(standard, "QUEUED", 3);
        assertEquals("QUEUED", state(vip), "billing level 1 is not billing:3");

        presence("it-billing", "AVAILABLE");
        JsonObject assigned = awaitState(vip, "ASSIGNED", Duration.ofSeconds(30));
        assertEquals("it-billing", assigned.getString("assignedAgentId"));
        // it-billing takes one web chat at a time: the earlier standard customer waits
        staysIn(standard, "QUEUED", 3);

        api.expect(200, "POST", "/switchboard/api/conversations/" + vip + "/close", null,
                TestServer.basicAuth("it-billing", AGENT_PASSWORD));
        assertEquals("it-billing", awaitState(standard, "ASSIGNED", Duration.ofSeconds(30)).getString("assignedAgentId"));
        presence("it-novice", "OFFLINE");
    }

    @Test
    @Order(3)
    void aConversationOverflowsToAHomeAgentAfterTheWaitAndNotBefore() throws Exception {
        presence("it-home", "AVAILABLE");
        // it-billing is at capacity with the standard customer from the test before
        String waiting = visitorSays(visitor(), "人工客服");
        JsonObject queued = awaitState(waiting, "QUEUED", Duration.ofSeconds(30));
        Instant queuedAt = Instant.parse(queued.getString("queuedAt"));
        long waitedSoFar = Duration.between(queuedAt, Instant.now()).toSeconds();
        staysIn(waiting, "QUEUED", Math.max(1, OVERFLOW_SECONDS - waitedSoFar - 2));
        JsonObject assigned = awaitState(waiting, "ASSIGNED", Duration.ofSeconds(30));
        assertEquals("it-home", assigned.getString("assignedAgentId"));
        JsonObject step = timeline(assigned.getString("customerId")).stream()
                .filter(e -> e.getString("summary", "").startsWith("Assigned to it-home")).findFirst().orElseThrow();
        Duration waited = Duration.between(queuedAt, Instant.parse(step.getString("time")));
        assertTrue(waited.toMillis() >= OVERFLOW_SECONDS * 1000, "overflowed after only " + waited);
        assertTrue(step.getString("summary").contains("HOME"), step.toString());
    }

    static List<JsonObject> timeline(String customerId) {
        return api.expect(200, "GET", "/switchboard/api/customers/" + customerId + "/timeline?limit=200", null, api.admin())
                .json().getJsonArray("entries").stream().map(JsonValue::asJsonObject).toList();
    }

    @Test
    @Order(4)
    void theSameVerifiedPhoneOrEmailOnAnotherChannelIsTheSameCustomerWithOneTimeline() {
        String conversationId = visitorSays(visitor(), "我留个邮箱和电话：li@example.cn，13700000001");
        String customerId = Api.await("conversation", Duration.ofSeconds(30), () -> conversation(conversationId))
                .getString("customerId");
        api.expect(200, "POST", "/switchboard/api/customers/" + customerId + "/addresses",
                "{\"channel\":\"email\",\"address\":\"li@example.cn\",\"verified\":true}", api.admin());
        api.expect(200, "POST", "/switchboard/api/customers/" + customerId + "/addresses",
                "{\"channel\":\"sms\",\"address\":\"+8613700000001\",\"verified\":true}", api.admin());
        api.expect(400, "POST", "/switchboard/api/customers/" + customerId + "/addresses",
                "{\"channel\":\"email\",\"address\":\"guess@example.cn\",\"verified\":false}", api.admin());

        api.channelSays("email", "li@example.cn", "邮件：发票收到了吗？", PASSWORD);
        api.channelSays("voice", "+86 137-0000-0001", "来电：询问发票", PASSWORD);
        List<String> texts = Api.await("three channels on one timeline", Duration.ofSeconds(30), () -> {
            List<String> t = timeline(customerId).stream().filter(e -> e.getString("kind").equals("MESSAGE"))
                    .filter(e -> e.getString("direction").equals("INBOUND")).map(e -> e.getString("summary")).toList();
            return t.size() >= 3 ? t : null;
        });
        assertEquals(List.of("来电：询问发票", "邮件：发票收到了吗？", "我留个邮箱和电话：li@example.cn，13700000001"), texts);
        List<String> channels = timeline(customerId).stream().filter(e -> e.getString("kind").equals("MESSAGE"))
                .map(e -> e.getString("channel")).distinct().sorted().toList();
        assertEquals(List.of("email", "voice", "webchat"), channels);
        JsonObject customer = api.expect(200, "GET", "/switchboard/api/customers/" + customerId, null, api.admin()).json();
        assertEquals(4, customer.getJsonArray("addresses").size(), customer.toString());
    }

    @Test
    @Order(5)
    void mergeThenUnmergeRestoresTheFormerStateExactly() {
        String first = visitorSays(visitor(), "第一位：我的订单");
        String firstCustomer = Api.await("conversation", Duration.ofSeconds(30), () -> conversation(first)).getString("customerId");
        api.channelSays("sms", "+8613600000002", "第二位：我的订单", PASSWORD);
        JsonObject second = Api.await("sms customer", Duration.ofSeconds(30), () -> api.call("GET",
                "/switchboard/api/conversations?state=all&limit=200", null, api.admin()).array().stream()
                .map(JsonValue::asJsonObject).filter(c -> c.getJsonObject("address").getString("address").equals("+8613600000002"))
                .findFirst().orElse(null));
        String secondCustomer = second.getString("customerId");
        assertNotEquals(firstCustomer, secondCustomer);
        // the bot hands both over (nothing it knows) and every agent is busy: nothing moves meanwhile
        awaitState(first, "QUEUED", Duration.ofSeconds(30));
        awaitState(second.getString("id"), "QUEUED", Duration.ofSeconds(30));
        String[] paths = {"/switchboard/api/customers/" + firstCustomer, "/switchboard/api/customers/" + secondCustomer,
                "/switchboard/api/customers/" + firstCustomer + "/timeline",
                "/switchboard/api/customers/" + secondCustomer + "/timeline",
                "/switchboard/api/customers/" + firstCustomer + "/conversations",
                "/switchboard/api/customers/" + secondCustomer + "/conversations"};
        List<String> before = List.of(paths).stream().map(p -> api.expect(200, "GET", p, null, api.admin()).body()).toList();

        String mergeId = api.expect(201, "POST", "/switchboard/api/customers/merges", "{\"sourceId\":\"" + firstCustomer
                + "\",\"targetId\":\"" + secondCustomer + "\",\"reason\":\"同一人\"}", api.admin()).json().getString("mergeId");
        JsonObject merged = api.expect(200, "GET", paths[0], null, api.admin()).json();
        assertEquals(secondCustomer, merged.getString("id"));
        assertEquals(2, merged.getJsonArray("addresses").size());
        assertEquals(2, api.expect(200, "GET", paths[2], null, api.admin()).json().getJsonArray("entries").stream()
                .map(JsonValue::asJsonObject).filter(e -> e.getString("kind").equals("MESSAGE"))
                .filter(e -> e.getString("direction").equals("INBOUND")).count(), "one timeline for both");
        api.expect(403, "DELETE", "/switchboard/api/customers/merges/" + mergeId, null,
                TestServer.basicAuth("it-novice", AGENT_PASSWORD));
        String shown = server.shell("switchboard:customer-show " + firstCustomer);
        assertTrue(shown.contains("MERGE") && shown.contains(mergeId), shown);

        api.expect(204, "DELETE", "/switchboard/api/customers/merges/" + mergeId + "?reason=mistake", null, api.admin());
        List<String> after = List.of(paths).stream().map(p -> api.expect(200, "GET", p, null, api.admin()).body()).toList();
        assertEquals(before, after);
        String history = api.expect(200, "GET", "/switchboard/api/customers/" + firstCustomer + "/identity-history", null,
                api.admin()).body();
        assertTrue(history.contains("\"UNMERGE\"") && history.contains("mistake"), history);
    }

    /** A user of each of the platform's roles, and the group of etc/users.properties that gives it. */
    static final java.util.Map<String, String> GROUP_OF_ROLE = java.util.Map.of("supervisor", "supervisorgroup",
            "agent", "agentgroup", "field", "fieldgroup", "viewer", "viewergroup", "publisher", "publishergroup",
            "integrator", "integratorgroup");

    /**
     * The role × endpoint matrix, built from what the running server serves ({@code GET
     * /switchboard/api/access}: every REST operation and servlet under /switchboard), each cell called:
     * a role the operation declares is let through (never 401, never a role refusal, never a 500 for
     * ids that do not exist); every other role gets 403 with a problem naming the roles; no
     * credentials get 401 unless the operation is public. A resource that declares nothing fails here.
     */
    @Test
    @Order(6)
    void everyEndpointAnswersEachRoleAsItDeclares() {
        java.util.Map<String, String> tokens = new java.util.TreeMap<>();
        tokens.put("admin", api.admin());
        GROUP_OF_ROLE.forEach((role, group) -> {
            String user = "it-" + role;
            server.addUser(user, AGENT_PASSWORD, group);
            JsonObject session = api.expect(201, "POST", "/switchboard/api/sessions",
                    "{\"user\":\"" + user + "\",\"password\":\"" + AGENT_PASSWORD + "\"}", null).json();
            assertEquals(List.of(role), session.getJsonArray("roles").getValuesAs(jakarta.json.JsonString::getString),
                    "the token of a user of " + group + " carries its role");
            tokens.put(role, "Bearer " + session.getString("token"));
        });
        api.expect(403, "GET", "/switchboard/api/access", null, tokens.get("agent"));
        List<JsonObject> operations = api.expect(200, "GET", "/switchboard/api/access", null, tokens.get("integrator")).array()
                .getValuesAs(JsonObject.class);
        List<String> undeclared = operations.stream().filter(o -> o.getString("access").equals("undeclared"))
                .map(o -> o.getString("method") + " " + o.getString("path")).toList();
        assertEquals(List.of(), undeclared, "what the server serves without declaring who may call it");
        List<String> listed = operations.stream().map(o -> o.getString("method") + " " + o.getString("path") + " "
                + o.getString("access")).toList();
        for (String known : List.of("GET /switchboard/api/conversations/{id} admin,agent,supervisor",
                "DELETE /switchboard/api/customers/{id} admin", "POST /switchboard/api/sessions public",
                "GET /switchboard/api/kpis admin,supervisor,viewer", "POST /switchboard/api/catalog/plugins admin,publisher",
                "* /switchboard/api/desk/stream admin,agent,field,supervisor", "* /switchboard/desk/* public")) {
            assertTrue(listed.contains(known), known + " in " + listed);
        }

        List<String> wrong = new java.util.ArrayList<>();
        int cells = 0;
        for (JsonObject operation : operations) {
            String method = operation.getString("method");
            String access = operation.getString("access");
            String path = operation.getString("path").replaceAll("\\{[^}]*}", "it-nobody");
            if (method.equals("*")) {
                if (access.equals("public") || path.endsWith("*")) {
                    continue; // a servlet that serves anyone checks what it needs itself (signatures, a visitor id)
                }
                method = "GET";
            }
            String body = method.equals("GET") || method.equals("DELETE") || method.equals("HEAD") ? null : "{}";
            java.util.Set<String> allowed = access.equals("public") ? java.util.Set.copyOf(tokens.keySet())
                    : java.util.Set.of(access.split(","));
            // a body of the kind the operation takes: JAX-RS answers any other with 415 before anyone is asked for a login
            String type = path.equals("/switchboard/api/catalog/plugins") ? "application/octet-stream" : "application/json";
            Api.Reply anonymous = api.call(method, path, body, type, null);
            if (!access.equals("public") && anonymous.status() != 401) {
                wrong.add(method + " " + path + " anonymous: " + anonymous.status() + " " + anonymous.body());
            }
            for (var as : tokens.entrySet()) {
                if (path.endsWith("/stream") && allowed.contains(as.getKey())) {
                    continue; // an event stream let through never ends; its refusals are checked
                }
                cells++;
                String credentials = as.getValue();
                if (path.equals("/switchboard/api/sessions/current") && credentials.startsWith("Bearer ")) {
                    // a logout ends the token it is called with: a fresh one, not the one the other cells use
                    credentials = "Bearer " + api.expect(201, "POST", "/switchboard/api/sessions", "{\"user\":\"it-" + as.getKey()
                            + "\",\"password\":\"" + AGENT_PASSWORD + "\"}", null).json().getString("token");
                }
                Api.Reply r = api.call(method, path, body, type, credentials);
                boolean refusedForRole = r.status() == 403 && r.body().contains("has none of the roles this endpoint requires");
                if (allowed.contains(as.getKey()) ? r.status() == 401 || refusedForRole || r.status() >= 500 : !refusedForRole) {
                    wrong.add(method + " " + path + " as " + as.getKey() + " (" + access + "): " + r.status() + " "
                            + r.body().substring(0, Math.min(200, r.body().length())));
                }
            }
        }
        assertEquals(List.of(), wrong, "cells of the access matrix that do not answer as declared, of " + cells);
        assertTrue(cells > 400, "the matrix has every operation for every role: " + cells);
    }

    /**
     * Object rules on top of the roles: an agent reaches a conversation, and its customer, only when
     * it is assigned to them or waits in the queue; only its holder acts on it; a supervisor reaches all.
     */
    @Test
    @Order(7)
    void anAgentReachesOnlyTheConversationsQueuedOrAssignedToThem() {
        String holder = TestServer.basicAuth("it-billing", AGENT_PASSWORD);
        String other = TestServer.basicAuth("it-novice", AGENT_PASSWORD);
        String id = visitorSays(visitor(), "我的订单在哪里");
        String customer = Api.await("conversation", Duration.ofSeconds(30), () -> conversation(id)).getString("customerId");
        String conversation = "/switchboard/api/conversations/" + id;
        // the bot hands it over meanwhile, and routing may assign it: the admin's transfer is retried until it lands
        Api.await("queued for a skill no agent has", Duration.ofSeconds(30), () -> api.call("POST", conversation + "/transfer",
                "{\"skills\":[\"it-nobody-has-this:5\"]}", api.admin()).status() == 200);
        assertEquals(200, api.call("GET", conversation, null, other).status(), "queued, every agent sees it");
        assertEquals(200, api.call("GET", "/switchboard/api/customers/" + customer, null, other).status());
        assertEquals(403, api.call("POST", conversation + "/replies", "{\"text\":\"我来看看\"}", other).status(),
                "seen is not held: an agent accepts before answering");

        api.expect(200, "POST", conversation + "/transfer", "{\"toAgentId\":\"it-billing\"}", api.admin());
        Api.Reply hidden = api.call("GET", conversation, null, other);
        assertEquals(403, hidden.status(), "another agent's: " + hidden.body());
        assertTrue(hidden.json().getString("detail").contains("neither assigned to them nor waiting in the queue"), hidden.body());
        api.expect(200, "GET", conversation + "/messages", null, holder);
        api.expect(200, "GET", "/switchboard/api/customers/" + customer + "/timeline", null, holder);
        api.expect(201, "POST", conversation + "/replies", "{\"text\":\"您的订单已发货\"}", holder);
        for (String[] call : new String[][] {{"GET", conversation, null}, {"GET", conversation + "/messages", null},
                {"POST", conversation + "/replies", "{\"text\":\"不是我的\"}"}, {"POST", conversation + "/close", null},
                {"POST", conversation + "/accept", null}, {"POST", conversation + "/transfer", "{\"toAgentId\":\"it-novice\"}"},
                {"GET", "/switchboard/api/customers/" + customer, null}, {"GET", "/switchboard/api/customers/" + customer + "/timeline", null},
                {"GET", "/switchboard/api/customers/" + customer + "/conversations", null},
                {"POST", "/switchboard/api/customers/" + customer + "/addresses", "{\"channel\":\"email\",\"address\":\"x@example.com\",\"verified\":true}"}}) {
            Api.Reply r = api.call(call[0], call[1], call[2], other);
            assertEquals(403, r.status(), call[0] + " " + call[1] + " by another agent: " + r.body());
        }
        assertTrue(api.call("GET", "/switchboard/api/conversations?state=open&limit=500", null, other).array().stream()
                .noneMatch(c -> c.asJsonObject().getString("id").equals(id)), "nor is it in their lists");
        assertTrue(api.call("GET", "/switchboard/api/conversations?state=open&limit=500", null, holder).array().stream()
                .anyMatch(c -> c.asJsonObject().getString("id").equals(id)), "it is in the holder's");
        server.addUser("it-lead", AGENT_PASSWORD, "supervisorgroup");
        api.expect(200, "GET", conversation, null, TestServer.basicAuth("it-lead", AGENT_PASSWORD));
        api.expect(200, "GET", "/switchboard/api/customers/" + customer, null, TestServer.basicAuth("it-lead", AGENT_PASSWORD));
        api.expect(200, "POST", conversation + "/close", null, holder);
        api.expect(200, "GET", conversation, null, holder);
    }

    /**
     * Twenty wrong passwords lock the user on REST, Hawtio (Jolokia) and SSH alike, since all three log
     * in through the one guarded realm; the right password is refused while locked and works after.
     */
    @Test
    @Order(8)
    void twentyWrongPasswordsLockAUserOnRestHawtioAndSshAlikeForAWhile() throws Exception {
        String user = "it-locked";
        String right = "Right-" + UUID.randomUUID();
        server.addUser(user, right, "admingroup");
        assertEquals(200, api.call("GET", "/switchboard/api/access", null, TestServer.basicAuth(user, right)).status());
        for (int i = 0; i < 20; i++) {
            assertEquals(401, api.call("GET", "/switchboard/api/access", null, TestServer.basicAuth(user, "wrong-" + i)).status());
        }
        long lockedAt = System.nanoTime();
        Api.Reply locked = api.call("GET", "/switchboard/api/access", null, TestServer.basicAuth(user, right));
        assertEquals(401, locked.status(), "the right password while locked, on REST");
        assertTrue(locked.json().getString("detail").contains("is locked after repeated wrong passwords"), locked.body());
        int refusedByHawtio = jolokiaVersion("it-nobody", "wrong");
        assertTrue(refusedByHawtio == 401 || refusedByHawtio == 403, "Hawtio refuses a wrong login: " + refusedByHawtio);
        assertEquals(refusedByHawtio, jolokiaVersion(user, right), "on Hawtio, as a wrong password");
        String ssh = ssh(user, right);
        assertTrue(!ssh.contains("Karaf") && !ssh.matches("(?s).*\\b4\\.4\\.\\d+.*"), "on SSH: " + ssh);
        assertTrue(server.log().contains("Login refused: user " + user + " is locked"), "the refusal is logged");

        Api.await("the lock over", Duration.ofSeconds(30), () -> System.nanoTime() - lockedAt > Duration.ofSeconds(4).toNanos()
                && api.call("GET", "/switchboard/api/access", null, TestServer.basicAuth(user, right)).status() == 200);
        assertEquals(200, jolokiaVersion(user, right));
        assertTrue(ssh(user, right).matches("(?s).*\\b4\\.4\\.\\d+.*"), "SSH lets them in again");
    }

    static int jolokiaVersion(String user, String password) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(server.url("/hawtio/jolokia/version"))
                .header("Authorization", TestServer.basicAuth(user, password)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** {@code system:version} through {@code bin/client} as {@code user}: what it printed. */
    static String ssh(String user, String password) throws Exception {
        Process p = new ProcessBuilder(server.home().resolve("bin/client").toString(), "-a", String.valueOf(server.sshPort()),
                "-u", user, "-p", password, "-r", "1", "-b").directory(server.home().toFile()).redirectErrorStream(true).start();
        p.getOutputStream().write("system:version\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** A logout ends the token on the server: a copy of it is refused from then on. */
    @Test
    @Order(9)
    void aLogoutEndsTheTokenOnTheServer() {
        String token = "Bearer " + api.expect(201, "POST", "/switchboard/api/sessions",
                "{\"user\":\"it-novice\",\"password\":\"" + AGENT_PASSWORD + "\"}", null).json().getString("token");
        api.expect(200, "GET", "/switchboard/api/agents/queue", null, token);
        api.expect(400, "DELETE", "/switchboard/api/sessions/current", null, TestServer.basicAuth("it-novice", AGENT_PASSWORD));
        api.expect(204, "DELETE", "/switchboard/api/sessions/current", null, token);
        Api.Reply after = api.call("GET", "/switchboard/api/agents/queue", null, token);
        assertEquals(401, after.status(), after.body());
        api.expect(200, "GET", "/switchboard/api/agents/queue", null, TestServer.basicAuth("it-novice", AGENT_PASSWORD));
    }
}
