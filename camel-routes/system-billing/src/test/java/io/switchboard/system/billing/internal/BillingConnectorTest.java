package io.switchboard.system.billing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.BusAddress;
import io.switchboard.api.DomainEvent;
import io.switchboard.api.SystemReply;
import io.switchboard.sandbox.billing.SandboxBilling;
import io.switchboard.system.billing.internal.soap.BillingPortType;
import io.switchboard.system.billing.internal.soap.GetAccountStatus;
import io.switchboard.systems.CallPolicy;
import io.switchboard.systems.ConnectorBench;
import io.switchboard.systems.SystemConnector;
import io.switchboard.testkit.TestBroker;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.jws.WebMethod;
import javax.jws.WebService;
import javax.xml.bind.JAXBContext;
import javax.xml.transform.stream.StreamSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector on a real broker against the billing sandbox over HTTP: answers, the declared
 * fault, and outages (refused connections, timeouts, a 503 gateway) that keep requests on
 * the bus until billing is back, with the breaker's system.down and system.up.
 */
class BillingConnectorTest {

    static final CallPolicy POLICY = new CallPolicy(2, Duration.ofMillis(800), Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofSeconds(30));
    final AtomicReference<BillingClient> client = new AtomicReference<>();
    SandboxBilling billing;
    ConnectorBench bench;
    SystemConnector connector;

    @BeforeEach
    void start() throws Exception {
        billing = SandboxBilling.start(0);
        billing.active("1001", "120.5").suspended("1002", "86", Instant.parse("2026-11-01T08:00:00Z"));
        client.set(new BillingClient(new BillingClient.Settings(URI.create(billing.url()), Duration.ofSeconds(1),
                Duration.ofSeconds(1), "", "")));
        bench = ConnectorBench.start("billing", request -> BillingConnector.ask(client.get(), request), POLICY);
        connector = bench.connector();
    }

    @AfterEach
    void stop() throws Exception {
        bench.close();
        client.get().close();
        billing.close();
    }

    void ask(String id, String account) {
        bench.ask(id, "GetAccountStatus", Map.of("accountNumber", account));
    }

    SystemReply reply(long timeoutMs) throws Exception {
        return bench.reply(timeoutMs);
    }

    List<DomainEvent> systemEvents(long timeoutMs) throws Exception {
        return bench.systemEvents(timeoutMs);
    }

    @Test
    void answersActiveAndSuspendedAccounts() throws Exception {
        ask("r-1", "1001");
        SystemReply active = reply(10_000);
        assertNotNull(active);
        assertEquals(SystemReply.Status.OK, active.status());
        assertEquals("r-1", active.requestId());
        assertEquals("120.50", active.data().get("balance"));
        assertEquals("ACTIVE", active.data().get("status"));
        assertEquals("CNY", active.data().get("currency"));

        ask("r-2", "1002");
        SystemReply suspended = reply(10_000);
        assertEquals("SUSPENDED", suspended.data().get("status"));
        assertEquals("86.00", suspended.data().get("arrears"));
        assertEquals("2026-11-01T08:00:00Z", suspended.data().get("suspendedSince"));
    }

    @Test
    void theSoapFaultIsTheAnswerWordForWord() throws Exception {
        ask("r-3", "999");
        SystemReply fault = reply(10_000);
        assertEquals(SystemReply.Status.FAULT, fault.status());
        assertEquals("Account 999 not found", fault.fault());
        assertEquals("soap:Client", fault.data().get("faultCode"));
        assertEquals(List.of("999"), billing.asked(), "a fault is not asked again");
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(BillingConnector.REQUESTS)));
    }

    @Test
    void anOutageKeepsRequestsOnTheBusOpensTheBreakerAndEndsWithOneReplyEach() throws Exception {
        int port = billing.port();
        billing.stop();
        ask("r-6", "1001");
        ask("r-7", "1002");
        assertNull(reply(2_000), "no answer while billing is down");
        List<DomainEvent> down = systemEvents(500);
        assertEquals(DomainEvent.SYSTEM_DOWN, down.get(0).type(), down.toString());
        assertEquals("billing", down.get(0).data().get("system"));
        assertTrue(down.get(0).data().get("reason").contains("cannot reach"), down.toString());
        assertEquals(1, down.size(), "down once, however often it is retried");
        assertTrue(!"CLOSED".equals(connector.health().state()), connector.health().toString());
        assertEquals(0, bench.broker().messageCount(BusAddress.deadLetter(BillingConnector.REQUESTS)));

        billing.start();
        assertEquals(port, billing.port());
        SystemReply first = reply(10_000);
        SystemReply second = reply(10_000);
        assertEquals(List.of("r-6", "r-7"), List.of(first.requestId(), second.requestId()));
        assertEquals(SystemReply.Status.OK, first.status());
        assertNull(reply(1_000), "exactly one reply per request");
        List<DomainEvent> up = systemEvents(500);
        assertEquals(List.of(DomainEvent.SYSTEM_UP), up.stream().map(DomainEvent::type).toList());
        assertEquals("CLOSED", connector.health().state());
    }

    @Test
    void aTimeoutAndAGatewayErrorAreOutagesNotAnswers() throws Exception {
        billing.delay(Duration.ofMillis(1500));
        ask("r-8", "1001");
        assertNull(reply(1_500));
        assertTrue(connector.health().lastFailure().contains("no answer from"), connector.health().toString());
        billing.delay(Duration.ZERO);
        billing.failWith(503);
        assertNull(reply(1_500));
        assertTrue(connector.health().lastFailure().contains("HTTP 503"), connector.health().toString());
        billing.failWith(0);
        SystemReply reply = reply(10_000);
        assertEquals(SystemReply.Status.OK, reply.status());
    }

    @Test
    void aNewEndpointAppliesToTheRequestInHand() throws Exception {
        client.getAndSet(new BillingClient(new BillingClient.Settings(URI.create("http://127.0.0.1:" + TestBroker.freePort() + "/billing"),
                Duration.ofSeconds(1), Duration.ofSeconds(1), "", ""))).close();
        ask("r-9", "1001");
        assertNull(reply(1_000));
        client.getAndSet(new BillingClient(new BillingClient.Settings(URI.create(billing.url()), Duration.ofSeconds(1),
                Duration.ofSeconds(1), "", ""))).close();
        connector.configure(new CallPolicy(2, Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(30)));
        assertEquals(SystemReply.Status.OK, reply(10_000).status());
    }

    @Test
    void theRequestIsTheWsdlsRequest() throws Exception {
        // what wsdl2java generated: the WSDL's element, namespace and SOAPAction, the ones the sandbox checks
        GetAccountStatus request = new GetAccountStatus();
        request.setAccountNumber("1001 & <2> 账户");
        StringWriter xml = new StringWriter();
        JAXBContext.newInstance(GetAccountStatus.class).createMarshaller().marshal(request, xml);
        billing.schema().newValidator().validate(new StreamSource(new StringReader(xml.toString())));
        WebMethod operation = BillingPortType.class.getMethod("getAccountStatus", GetAccountStatus.class)
                .getAnnotation(WebMethod.class);
        assertEquals(SandboxBilling.SOAP_ACTION, operation.action());
        assertEquals(SandboxBilling.NAMESPACE, BillingPortType.class.getAnnotation(WebService.class).targetNamespace());
        assertEquals(SandboxBilling.NAMESPACE, BillingClient.NAMESPACE);
        try (var wsdl = BillingConnector.class.getResourceAsStream(SandboxBilling.WSDL_RESOURCE)) {
            String text = new String(wsdl.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("soapAction=\"" + operation.action() + "\""));
        }

        // and on the wire: the sandbox validates the proxy's envelope; Chinese and markup arrive as they were
        billing.active("1001 & <2> 账户", "7");
        ask("r-10", "1001 & <2> 账户");
        SystemReply reply = reply(10_000);
        assertEquals(SystemReply.Status.OK, reply.status(), String.valueOf(reply));
        assertEquals("1001 & <2> 账户", reply.data().get("accountNumber"));
        assertEquals(List.of("1001 & <2> 账户"), billing.asked());
    }
}
