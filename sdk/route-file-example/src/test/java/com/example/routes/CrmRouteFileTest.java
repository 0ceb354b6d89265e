package com.example.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.testkit.RouteFileRun;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestBus;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/** crm.camel.yaml as it runs in deploy/: on a real broker, with the CRM's HTTP API replaced by a mock. */
class CrmRouteFileTest {

    static String event(String type, String conversationId) {
        return "{\"id\":\"" + type + ":" + conversationId + "\",\"type\":\"" + type + "\",\"conversationId\":\""
                + conversationId + "\",\"data\":{\"channel\":\"webchat\"}}";
    }

    static void publish(TestBus bus, String type, String conversationId) {
        bus.publish("sb.events", event(type, conversationId), Map.of("sbEventType", type));
    }

    @Test
    void eachReceivedMessageIsPostedToTheCrmWithItsConversationAndNothingElseIs() throws Exception {
        try (TestBroker broker = TestBroker.start(); TestBus bus = TestBus.on(broker);
             RouteFileRun crm = RouteFileRun.of(Path.of("src/main/camel/crm.camel.yaml")).on(bus).mock("http*").start()) {
            MockEndpoint calls = crm.mock("http://crm.example.com/crm/events");
            // the file's subscription starts with its route, in the background: a topic keeps nothing for
            // a subscriber that is not there yet, so publish until it has one
            for (int i = 0; i < 100 && calls.getReceivedCounter() == 0; i++) {
                publish(bus, "message.received", "probe-" + i);
                Thread.sleep(100);
            }
            Thread.sleep(500);
            calls.reset();

            calls.expectedHeaderValuesReceivedInAnyOrder("X-Conversation", "c-42");
            calls.expectedHeaderReceived("CamelHttpMethod", "POST");
            publish(bus, "conversation.closed", "c-closed");
            publish(bus, "message.received", "c-42");
            calls.assertIsSatisfied(10_000);
            assertEquals(event("message.received", "c-42"), calls.getReceivedExchanges().get(0).getMessage().getBody(String.class));
        }
    }
}
