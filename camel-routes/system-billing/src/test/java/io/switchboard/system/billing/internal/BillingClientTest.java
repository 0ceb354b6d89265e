package io.switchboard.system.billing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated CXF client against answers the sandbox never gives (it only speaks the contract):
 * a broken gateway's page with 200, a response that misses what the WSDL requires, a fault with
 * HTTP 200, and HTTP Basic from the configuration. Over real HTTP on the JDK's server.
 */
class BillingClientTest {

    static final String ENVELOPE = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>%s"
            + "</soap:Body></soap:Envelope>";

    final AtomicReference<String> answer = new AtomicReference<>();
    final AtomicReference<String> contentType = new AtomicReference<>("text/xml; charset=utf-8");
    final AtomicReference<String> authorization = new AtomicReference<>();
    final AtomicReference<String> received = new AtomicReference<>();
    HttpServer server;
    BillingClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/billing", exchange -> {
            try (exchange) {
                received.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
                byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", contentType.get());
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        client = client("", "");
    }

    BillingClient client(String user, String password) {
        return new BillingClient(new BillingClient.Settings(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/billing"), Duration.ofSeconds(1), Duration.ofSeconds(2), user, password));
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void aPageInsteadOfAnEnvelopeIsAnOutage() {
        contentType.set("text/html; charset=utf-8");
        answer.set("<html><body>Bad gateway</body></html>");
        assertThrows(SystemUnreachable.class, () -> client.accountStatus("1001"));
    }

    @Test
    void anAnswerWithoutTheRequiredBalanceBreaksTheContract() {
        answer.set(ENVELOPE.formatted("<b:GetAccountStatusResponse xmlns:b=\"urn:switchboard:billing:1\">"
                + "<b:accountNumber>1001</b:accountNumber><b:arrears>0</b:arrears><b:status>ACTIVE</b:status>"
                + "</b:GetAccountStatusResponse>"));
        SystemUnreachable e = assertThrows(SystemUnreachable.class, () -> client.accountStatus("1001"));
        assertTrue(e.getMessage().contains("balance"), e.getMessage());
    }

    @Test
    void anotherElementThanTheResponseIsAnOutage() {
        answer.set(ENVELOPE.formatted("<b:GetAccountStatus xmlns:b=\"urn:switchboard:billing:1\">"
                + "<b:accountNumber>1001</b:accountNumber></b:GetAccountStatus>"));
        assertThrows(SystemUnreachable.class, () -> client.accountStatus("1001"));
    }

    @Test
    void anAnswerWithADoctypeIsRefusedNotRead() {
        answer.set("<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY secret SYSTEM \"file:///etc/hostname\">]>"
                + ENVELOPE.formatted("<b:GetAccountStatusResponse xmlns:b=\"urn:switchboard:billing:1\">"
                + "<b:accountNumber>&secret;</b:accountNumber><b:balance>1</b:balance><b:arrears>0</b:arrears>"
                + "<b:status>ACTIVE</b:status></b:GetAccountStatusResponse>"));
        SystemUnreachable e = assertThrows(SystemUnreachable.class, () -> client.accountStatus("1001"));
        assertTrue(e.getMessage().contains("DTD"), e.getMessage());
    }

    @Test
    void aFaultWithHttp200IsStillTheAnswerWordForWord() {
        answer.set(ENVELOPE.formatted("<soap:Fault><faultcode>soap:Server</faultcode>"
                + "<faultstring>账户系统维护中 &lt;22:00&gt;</faultstring></soap:Fault>"));
        SystemFault fault = assertThrows(SystemFault.class, () -> client.accountStatus("1001"));
        assertEquals("账户系统维护中 <22:00>", fault.getMessage());
        assertEquals("soap:Server", fault.code());
    }

    @Test
    void basicAuthenticationFromTheConfiguration() throws Exception {
        client.close();
        client = client("switchboard", "密码");
        answer.set(ENVELOPE.formatted("<b:GetAccountStatusResponse xmlns:b=\"urn:switchboard:billing:1\">"
                + "<b:accountNumber>1001</b:accountNumber><b:balance>1.5</b:balance><b:arrears>0</b:arrears>"
                + "<b:status>CLOSED</b:status></b:GetAccountStatusResponse>"));
        AccountStatus status = client.accountStatus("1001");
        assertEquals("CLOSED", status.status());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("switchboard:密码".getBytes(StandardCharsets.UTF_8)),
                authorization.get());
        assertTrue(received.get().contains("<accountNumber>1001</accountNumber>")
                || received.get().contains(":accountNumber>1001</"), received.get());
    }
}
