package io.switchboard.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sandbox.smsc.SandboxSmsc;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The SMS channel on the distribution as built, bound over SMPP 3.4 to the sandbox SMSC: long
 * Chinese messages are split by the phone side and put back together by the channel, and the
 * agent's long reply is split by the channel and put back together by the sandbox, as a handset would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmsIT {

    static final String PASSWORD = "It-" + UUID.randomUUID();
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
                .configure("io.switchboard.conversation", "botEnabled", "false")
                .requireRoutes("switchboard-conversation/conversation-inbound");
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

    static JsonObject conversationOf(String phone) {
        return api.call("GET", "/switchboard/api/conversations?state=all&limit=200", null, api.admin()).array().stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> c.getJsonObject("address").getString("channel").equals("sms")
                        && c.getJsonObject("address").getString("address").equals(phone))
                .findFirst().orElse(null);
    }

    static List<String> inbound(String conversationId) {
        return api.expect(200, "GET", "/switchboard/api/conversations/" + conversationId + "/messages", null, api.admin())
                .array().stream().map(JsonValue::asJsonObject).filter(m -> m.getString("direction").equals("INBOUND"))
                .map(m -> m.getJsonArray("parts").getJsonObject(0).getString("text")).toList();
    }

    /** 300 characters: Chinese, with an emoji (a surrogate pair) where a naive split would cut it. */
    static String longChinese(String opening) {
        StringBuilder text = new StringBuilder(opening);
        String filler = "您好我家宽带从昨天晚上开始就一直断线重启路由器也没有用请尽快派师傅上门检修谢谢";
        while (text.length() < 300) {
            text.append(filler.charAt(text.length() % filler.length()));
            if (text.length() == 66) {
                text.append("😩");
            }
        }
        return text.substring(0, 300);
    }

    @Test
    @Order(1)
    void aLongChineseSmsIsReassembledAndTheAgentsLongReplyIsSplitAsTheStandardSays() {
        String phone = "+86138" + (10_000_000 + (int) (Math.random() * 89_999_999));
        String question = longChinese("长短信：");
        assertEquals(300, question.length());
        List<SandboxSmsc.Part> sent = smsc.deliver(phone.substring(1), SERVICE_NUMBER, question);
        assertEquals(5, sent.size(), "300 UCS-2 units are five parts of 67");

        JsonObject conversation = Api.await("the SMS conversation", WAIT, () -> conversationOf(phone));
        assertEquals(List.of(question), Api.await("the reassembled message", WAIT, () -> {
            List<String> texts = inbound(conversation.getString("id"));
            return texts.isEmpty() ? null : texts;
        }));

        String answer = longChinese("回复：师傅明天上午九点到十一点上门 🔧 ");
        api.expect(201, "POST", "/switchboard/api/conversations/" + conversation.getString("id") + "/replies",
                "{\"text\":\"" + answer + "\",\"replyId\":\"sms-r1\"}", api.admin());
        SandboxSmsc.Received received = smsc.awaitMessages(1, WAIT).get(0);
        assertEquals(answer, received.text());
        assertEquals(phone.substring(1), received.destination().replace("+", ""));
        assertEquals(8, received.dataCoding(), "Chinese goes as UCS-2");
        assertEquals(5, received.parts());
        long split = smsc.submitted().stream().filter(s -> s.destination().replace("+", "").equals(phone.substring(1)))
                .count();
        assertEquals(5, split, "each part is one submit_sm");
    }

    @Test
    @Order(2)
    void repliesWaitOnTheBusWhileTheChannelIsUpdatedAndLeaveOnceItIsBack() {
        String phone = "+86139" + (10_000_000 + (int) (Math.random() * 89_999_999));
        smsc.deliver(phone.substring(1), SERVICE_NUMBER, "在吗");
        JsonObject conversation = Api.await("the SMS conversation", WAIT, () -> conversationOf(phone));
        int before = smsc.messages().size();

        String list = server.shell("bundle:list -t 0 -s --no-format");
        String id = list.lines().filter(l -> l.contains("switchboard-channel-sms")).map(l -> l.trim().split("\\s*\\|\\s*")[0])
                .findFirst().orElseThrow(() -> new AssertionError("no SMS bundle in\n" + list));
        server.shell("bundle:stop " + id);
        api.expect(201, "POST", "/switchboard/api/conversations/" + conversation.getString("id") + "/replies",
                "{\"text\":\"在的，请讲 🙂\",\"replyId\":\"sms-r2\"}", api.admin());
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(before, smsc.messages().size(), "a stopped channel sent something");
        server.shell("bundle:update " + id);
        server.shell("bundle:start " + id);
        List<SandboxSmsc.Received> after = smsc.awaitMessages(before + 1, WAIT);
        assertEquals("在的，请讲 🙂", after.get(after.size() - 1).text());
        assertTrue(after.stream().filter(m -> m.text().equals("在的，请讲 🙂")).count() == 1, "the reply left twice");
    }
}
