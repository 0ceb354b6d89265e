package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.CanonicalJson;
import io.switchboard.api.ChannelAddress;
import io.switchboard.api.ContentPart;
import io.switchboard.api.Direction;
import io.switchboard.api.Message;
import io.switchboard.bus.BundleRoutes;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestBus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The channel's routes against a real broker; the outside world replaced with AdviceWith. */
class ${channelClass}RoutesTest {

    final CanonicalJson json = new CanonicalJson();
    final BlockingQueue<Exchange> sent = new LinkedBlockingQueue<>();
    TestBroker broker;
    TestBus bus;
    CamelContext camel;
    ${channelClass}Api api;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
        bus = TestBus.on(broker);
        camel = new DefaultCamelContext();
        camel.addComponent("bus", BundleRoutes.busComponent(bus));
        camel.addRoutes(new ${channelClass}Routes("", 1, json));
        AdviceWith.adviceWith(camel, "${channel}-outbound",
                route -> route.weaveById(${channelClass}Routes.SEND).replace().process(sent::add));
        camel.start();
        api = new ${channelClass}Api(bus::inbound, 100);
    }

    @AfterEach
    void stop() {
        camel.stop();
        bus.close();
        broker.close();
    }

    @Test
    void aMessageIsOnTheBusOnceEvenWhenResent() throws Exception {
        api.accept(new ${channelClass}Api.Incoming("user-1", "你好，我的订单在哪里？", "ext-1"));
        api.accept(new ${channelClass}Api.Incoming("user-1", "你好，我的订单在哪里？", "ext-1"));

        Message message = json.fromJson(bus.expect(BusAddress.INBOUND, Duration.ofSeconds(5)).body(), Message.class);
        assertEquals("你好，我的订单在哪里？", message.text());
        assertEquals(new ChannelAddress("${channel}", "user-1"), message.address());
        assertEquals("${channel}:ext-1", message.deduplicationId());
        assertNull(bus.receive(BusAddress.INBOUND, Duration.ofSeconds(1)), "the resend must be dropped");
    }

    @Test
    void aReplyOnTheOutboundQueueReachesTheOutsideWorld() throws Exception {
        Message reply = new Message("reply-1", null, Direction.OUTBOUND, new ChannelAddress("${channel}", "user-1"),
                "conv-1", null, "agent-1", Instant.now(), List.of(ContentPart.text("已发货")), Map.of());
        camel.createProducerTemplate().sendBody("bus:queue:" + ${channelClass}Routes.OUTBOUND, json.toJson(reply));

        Exchange out = sent.poll(10, TimeUnit.SECONDS);
        assertTrue(out != null, "nothing sent");
        assertEquals("已发货", out.getMessage().getBody(String.class));
        assertEquals("user-1", out.getMessage().getHeader("to"));
        assertEquals("reply-1", out.getMessage().getHeader("messageId"));
    }
}
