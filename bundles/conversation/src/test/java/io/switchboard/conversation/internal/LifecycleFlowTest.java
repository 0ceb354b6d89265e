package io.switchboard.conversation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.Agent;
import io.switchboard.api.BusAddress;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Conversation;
import io.switchboard.api.ConversationState;
import io.switchboard.api.Customer;
import io.switchboard.api.Direction;
import io.switchboard.api.Ids;
import io.switchboard.api.Message;
import io.switchboard.api.TimelineEntry;
import io.switchboard.conversation.AgentDesk;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bot, queue, agent, customer's turn, closed and reopened; and customers moving between channels. */
class LifecycleFlowTest extends FlowTestBase {

    @Override
    InboundRoutes.Policy policy() {
        return new InboundRoutes.Policy(true, Duration.ofMinutes(30));
    }

    Message says(ChannelAddress from, String text) {
        return new Message(Ids.newId(), Ids.newId(), Direction.INBOUND, from, null, null, null,
                Instant.now().truncatedTo(ChronoUnit.MICROS), List.of(ContentPart.text(text)), Map.of());
    }

    ConversationState stateOf(String id) {
        return desk.conversation(id).state();
    }

    @Test
    void aConversationGoesFromTheBotToAnAgentAndBackToTheCustomer() throws Exception {
        ChannelAddress visitor = new ChannelAddress("webchat", "v-life");
        put(says(visitor, "你好，我想退款"));
        TextMessage forBot = receive(BusAddress.BOT);
        Message question = json.fromJson(forBot.getText(), Message.class);
        assertEquals("你好，我想退款", question.text());
        String id = question.conversationId();
        assertEquals(ConversationState.BOT, stateOf(id));

        desk.reply(id, AgentDesk.BOT, "退款请在订单页申请。", "bot-1", null);
        assertEquals(ConversationState.BOT, stateOf(id), "the bot's answer leaves it with the bot");
        assertNull(desk.conversation(id).firstResponseAt(), "a bot answer is not a first response");

        Conversation queued = desk.handOff(id, List.of("billing:3"), "客户要求转人工");
        assertEquals(ConversationState.QUEUED, queued.state());
        assertEquals(List.of("billing:3"), queued.skills());
        assertNotNull(queued.queuedAt());
        assertEquals(queued, desk.handOff(id, List.of("other"), "twice"), "a second hand-off changes nothing");

        store.inTransaction(s -> { s.agents().save(new Agent("alice", "王芳", Map.of("billing", 5), Map.of("*", 2),
                Agent.Presence.AVAILABLE, Agent.Workplace.CENTRE)); return null; });
        assertTrue(desk.assign(id, "alice", "skills billing>=3"));
        assertFalse(desk.assign(id, "bob", "late"), "a conversation is assigned once");
        assertThrows(IllegalStateException.class, () -> desk.accept(id, "bob"));
        assertEquals("alice", desk.accept(id, "alice").assignedAgentId());

        desk.reply(id, "alice", "您好，我是王芳。", "r-alice-1", null);
        Conversation waiting = desk.conversation(id);
        assertEquals(ConversationState.WAITING, waiting.state());
        assertNotNull(waiting.firstResponseAt());

        put(says(visitor, "好的，订单号是 123"));
        awaitState(id, ConversationState.ASSIGNED);
        assertNull(receiveNow(BusAddress.BOT), "a conversation with an agent does not go to the bot");

        desk.close(id, "alice");
        assertEquals(ConversationState.CLOSED, stateOf(id));
        put(says(visitor, "还有一个问题"));
        awaitState(id, ConversationState.BOT);
        assertNotNull(receive(BusAddress.BOT), "a reopened conversation is the bot's again");

        String customerId = desk.conversation(id).customerId();
        List<String> steps = store.inTransaction(s -> s.timeline().page(customerId, null, 50)).entries().stream()
                .filter(e -> e.kind() == TimelineEntry.Kind.CONVERSATION).map(TimelineEntry::summary).toList();
        assertEquals(List.of("Reopened by the customer", "Closed by alice", "Assigned to alice (skills billing>=3)",
                "Handed to a human: 客户要求转人工", "Opened on webchat with the bot"), steps);
    }

    @Test
    void transfersGoToAnAgentOrBackToTheQueueForOtherSkills() {
        ChannelAddress visitor = new ChannelAddress("webchat", "v-transfer");
        put(says(visitor, "转人工"));
        String id = awaitConversationOf(visitor).id();
        store.inTransaction(s -> {
            s.agents().save(new Agent("alice", null, Map.of(), Map.of("*", 1), null, null));
            s.agents().save(new Agent("bob", null, Map.of(), Map.of("*", 1), null, null));
            return null;
        });
        desk.accept(id, "alice");
        assertEquals("bob", desk.transferToAgent(id, "alice", "bob").assignedAgentId());
        assertThrows(IllegalArgumentException.class, () -> desk.transferToAgent(id, "bob", "nobody"));
        Conversation requeued = desk.transferToSkills(id, "bob", List.of("english:5"));
        assertEquals(ConversationState.QUEUED, requeued.state());
        assertNull(requeued.assignedAgentId());
        assertEquals(List.of("english:5"), requeued.skills());
        assertThrows(IllegalArgumentException.class, () -> desk.transferToSkills(id, "bob", List.of("english:x")));
    }

    @Test
    void aCustomerWhoMovesToAnotherChannelContinuesTheConversationAndTheAgentMayAnswerOnEither() throws Exception {
        ChannelAddress sms = new ChannelAddress("sms", "+8613800138000");
        ChannelAddress voice = new ChannelAddress("voice", "+8613800138000");
        put(says(sms, "我的宽带断了"));
        Conversation first = awaitConversationOf(sms);
        receive(BusAddress.BOT);
        desk.handOff(first.id(), List.of(), "asked for a human");
        desk.accept(first.id(), "alice");

        put(says(voice, "(call) 宽带还是不行"));
        Conversation continued = awaitMessages(first.id(), 2);
        assertEquals(voice, continued.address(), "replies follow the customer to the channel they used last");
        assertEquals(first.customerId(), continued.customerId());

        Message bySms = desk.reply(first.id(), "alice", "技术员明天上午到。", "r-sms", sms);
        assertEquals(sms, bySms.address());
        TextMessage out = receive(BusAddress.outbound("sms"));
        assertEquals("技术员明天上午到。", json.fromJson(out.getText(), Message.class).text());
        assertThrows(IllegalArgumentException.class,
                () -> desk.reply(first.id(), "alice", "hi", "r-x", new ChannelAddress("sms", "+10000000000")),
                "only the customer's own addresses");
        Customer customer = store.inTransaction(s -> s.customers().byId(first.customerId()).orElseThrow());
        assertEquals(List.of(sms, voice), customer.addresses());
    }

    @Test
    void aCallFromAKnownNumberJoinsThatCustomersTimelineOnceAndLeavesTheConversationAsItIs() throws Exception {
        ChannelAddress sms = new ChannelAddress("sms", "+8613800138009");
        put(says(sms, "短信：宽带坏了"));
        Conversation conversation = awaitConversationOf(sms);
        Message offered = new Message(Ids.newId(), "call-77:call.offered", Direction.INBOUND,
                new ChannelAddress("voice", "+8613800138009"), null, null, null,
                Instant.now().truncatedTo(ChronoUnit.MICROS), List.of(ContentPart.event("call.offered")),
                Map.of("callId", "call-77", "dnis", "+864001234567", "queue", "宽带"));
        put(offered);
        put(new Message(Ids.newId(), offered.channelMessageId(), offered.direction(), offered.address(), null, null, null,
                offered.time(), offered.parts(), offered.headers()));
        List<TimelineEntry> calls = await(() -> {
            List<TimelineEntry> c = store.inTransaction(s -> s.timeline().page(conversation.customerId(), null, 50))
                    .entries().stream().filter(e -> e.kind() == TimelineEntry.Kind.CALL).toList();
            return c.isEmpty() ? null : c;
        });
        Thread.sleep(500);
        calls = store.inTransaction(s -> s.timeline().page(conversation.customerId(), null, 50))
                .entries().stream().filter(e -> e.kind() == TimelineEntry.Kind.CALL).toList();
        assertEquals(1, calls.size(), "the repeat was recorded again: " + calls);
        TimelineEntry call = calls.get(0);
        assertEquals(conversation.id(), call.conversationId());
        assertEquals("Call from +8613800138009 to +864001234567 (queue 宽带)", call.summary());
        assertEquals("call-77", call.data().get("callId"));
        assertEquals(conversation.state(), desk.conversation(conversation.id()).state());
        assertEquals(1, desk.timeline(conversation.id(), 10).size(), "a call is not a message of the conversation");
    }

    @Test
    void aPushReachesTheCustomerOnceIsOnTheTimelineWithItsReasonAndTheAnswerGoesToTheBot() throws Exception {
        ChannelAddress sms = new ChannelAddress("sms", "+8613800138011");
        put(says(sms, "你好"));
        Conversation first = awaitConversationOf(sms);
        receive(BusAddress.BOT);
        desk.close(first.id(), AgentDesk.BOT);

        Message pushed = desk.push(first.customerId(), null, "您的工单 WO-7 师傅已出发 🚐", "wo-7-en_route", "Work order WO-7: en route",
                Map.of("workOrderId", "WO-7"));
        assertEquals(sms, pushed.address(), "the only address the customer has");
        assertEquals(AgentDesk.PUSH, pushed.agentId());
        assertEquals("您的工单 WO-7 师傅已出发 🚐", json.fromJson(receive(BusAddress.outbound("sms")).getText(), Message.class).text());
        Message again = desk.push(first.customerId(), null, "您的工单 WO-7 师傅已出发 🚐", "wo-7-en_route", "Work order WO-7: en route",
                Map.of("workOrderId", "WO-7"));
        assertEquals(pushed.id(), again.id());
        assertNull(receiveNow(BusAddress.outbound("sms")), "a retried push went out twice");

        Conversation opened = desk.conversation(pushed.conversationId());
        assertTrue(!opened.id().equals(first.id()), "the closed conversation stays closed");
        assertEquals(ConversationState.WAITING, opened.state());
        assertNull(opened.assignedAgentId());
        List<TimelineEntry> pushes = store.inTransaction(s -> s.timeline().page(first.customerId(), null, 50))
                .entries().stream().filter(e -> e.kind() == TimelineEntry.Kind.PUSH).toList();
        assertEquals(1, pushes.size(), pushes.toString());
        assertEquals("Work order WO-7: en route", pushes.get(0).summary());
        assertEquals("WO-7", pushes.get(0).data().get("workOrderId"));
        assertThrows(IllegalArgumentException.class,
                () -> desk.push(first.customerId(), "email", "hi", null, "r", Map.of()), "no email address");

        put(says(sms, "好的，谢谢"));
        Message toBot = json.fromJson(receive(BusAddress.BOT).getText(), Message.class);
        assertEquals(opened.id(), toBot.conversationId(), "the answer joins the pushed conversation");
        awaitState(opened.id(), ConversationState.BOT);
    }

    void awaitState(String id, ConversationState state) throws InterruptedException {
        await(() -> stateOf(id) == state ? Boolean.TRUE : null);
    }

    Conversation awaitConversationOf(ChannelAddress address) {
        try {
            return await(() -> store.inTransaction(s -> s.conversations().openOn(address)).orElse(null));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    Conversation awaitMessages(String id, int count) throws InterruptedException {
        await(() -> desk.timeline(id, 100).size() >= count ? Boolean.TRUE : null);
        return desk.conversation(id);
    }
}
