package io.switchboard.itests;

import io.switchboard.sandbox.smsc.SandboxSmsc;
import io.switchboard.testkit.TestBroker;
import io.switchboard.testkit.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.List;

/**
 * Customers' phones in the tests that reach them by SMS: the sandbox SMSC, the server's SMS channel
 * bound to it, what a phone has received, and who the server took a phone for.
 */
final class Phones {

    static final String SERVICE_NUMBER = "10690000";
    static final Duration WAIT = Duration.ofSeconds(30);

    private final SandboxSmsc smsc;

    private Phones(SandboxSmsc smsc) {
        this.smsc = smsc;
    }

    static Phones start() {
        return new Phones(SandboxSmsc.start(TestBroker.freePort(), "sbit", "pw1"));
    }

    SandboxSmsc smsc() {
        return smsc;
    }

    /** Points the server's SMS channel at the sandbox, unthrottled. */
    TestServer bind(TestServer server) {
        return server.configure("io.switchboard.channel.sms", "host", "127.0.0.1")
                .configure("io.switchboard.channel.sms", "port", Integer.toString(smsc.port()))
                .configure("io.switchboard.channel.sms", "systemId", "sbit")
                .configure("io.switchboard.channel.sms", "password", "pw1")
                .configure("io.switchboard.channel.sms", "sourceAddress", SERVICE_NUMBER)
                .configure("io.switchboard.channel.sms", "maxPerSecond", "0");
    }

    /** What {@code phone} (+E.164) has received so far, each long message whole. */
    List<String> textsTo(String phone) {
        return smsc.messages().stream().filter(m -> m.destination().replace("+", "").equals(phone.substring(1)))
                .map(SandboxSmsc.Received::text).toList();
    }

    List<String> awaitTexts(String phone, int count) {
        return Api.await(count + " SMS to " + phone, WAIT, () -> {
            List<String> texts = textsTo(phone);
            return texts.size() >= count ? texts : null;
        });
    }

    /** The conversation the server opened for {@code phone}, once it has. */
    static JsonObject conversationOf(Api api, String phone) {
        return Api.await("the conversation of " + phone, WAIT, () -> api.call("GET",
                        "/switchboard/api/conversations?state=all&limit=200", null, api.admin()).array().stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> c.getJsonObject("address").getString("address").equals(phone))
                .findFirst().orElse(null));
    }

    static String customerIdOf(Api api, String phone) {
        return conversationOf(api, phone).getString("customerId");
    }
}
