package io.switchboard.sandbox.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.xml.transform.dom.DOMSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The sandbox over real HTTP, spoken to as a SOAP 1.1 client would, its answers checked against the WSDL. */
class SandboxBillingTest {

    final HttpClient http = HttpClient.newHttpClient();
    SandboxBilling billing;

    @BeforeEach
    void start() {
        billing = SandboxBilling.start(0);
    }

    @AfterEach
    void stop() {
        billing.close();
    }

    HttpResponse<String> call(String account, String action) throws Exception {
        String envelope = SandboxBilling.envelope("<b:GetAccountStatus xmlns:b=\"urn:switchboard:billing:1\"><b:accountNumber>"
                + account + "</b:accountNumber></b:GetAccountStatus>");
        return http.send(HttpRequest.newBuilder(URI.create(billing.url())).header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"" + action + "\"").POST(HttpRequest.BodyPublishers.ofString(envelope)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    Element payload(String xml) throws Exception {
        Element envelope = SandboxBilling.parser().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
        return (Element) ((Element) envelope.getElementsByTagNameNS(SandboxBilling.SOAP_ENVELOPE, "Body").item(0))
                .getElementsByTagName("*").item(0);
    }

    @Test
    void answersActiveAndSuspendedAccountsAsTheWsdlSays() throws Exception {
        billing.active("1001", "120.5").suspended("1002", "86", Instant.parse("2026-11-01T00:00:00Z"));
        HttpResponse<String> active = call("1001", SandboxBilling.SOAP_ACTION);
        assertEquals(200, active.statusCode(), active.body());
        Element answer = payload(active.body());
        billing.schema().newValidator().validate(new DOMSource(answer));
        assertTrue(active.body().contains("<b:balance>120.50</b:balance>"), active.body());
        assertTrue(active.body().contains("<b:status>ACTIVE</b:status>"), active.body());

        HttpResponse<String> suspended = call("1002", SandboxBilling.SOAP_ACTION);
        billing.schema().newValidator().validate(new DOMSource(payload(suspended.body())));
        assertTrue(suspended.body().contains("<b:arrears>86.00</b:arrears>"), suspended.body());
        assertTrue(suspended.body().contains("<b:suspendedSince>2026-11-01T00:00:00Z</b:suspendedSince>"), suspended.body());
        assertEquals(List.of("1001", "1002"), billing.asked());
    }

    @Test
    void anUnknownAccountIsTheDeclaredFaultAndABadRequestAClientFault() throws Exception {
        HttpResponse<String> unknown = call("999", SandboxBilling.SOAP_ACTION);
        assertEquals(500, unknown.statusCode());
        assertTrue(unknown.body().contains("<faultcode>soap:Client</faultcode><faultstring>Account 999 not found</faultstring>"),
                unknown.body());
        Element detail = (Element) payload(unknown.body()).getElementsByTagName("detail").item(0);
        Element notFound = (Element) detail.getElementsByTagNameNS(SandboxBilling.NAMESPACE, "AccountNotFound").item(0);
        billing.schema().newValidator().validate(new DOMSource(notFound));

        HttpResponse<String> wrongAction = call("1001", "urn:other");
        assertEquals(500, wrongAction.statusCode());
        assertTrue(wrongAction.body().contains("SOAPAction must be"), wrongAction.body());

        HttpResponse<String> invalid = http.send(HttpRequest.newBuilder(URI.create(billing.url()))
                .header("Content-Type", "text/xml").header("SOAPAction", SandboxBilling.SOAP_ACTION)
                .POST(HttpRequest.BodyPublishers.ofString(SandboxBilling.envelope(
                        "<b:GetAccountStatus xmlns:b=\"urn:switchboard:billing:1\"><b:account>1</b:account></b:GetAccountStatus>")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(500, invalid.statusCode());
        assertTrue(invalid.body().contains("not a GetAccountStatus request of BillingService.wsdl"), invalid.body());
    }

    @Test
    void servesItsWsdlAndPlaysAnOutageOnTheSamePort() throws Exception {
        String wsdl = http.send(HttpRequest.newBuilder(URI.create(billing.url() + "?wsdl")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(wsdl.contains("location=\"" + billing.url() + "\""), wsdl);

        int port = billing.port();
        billing.active("1001", "1");
        billing.stop();
        assertThrows(ConnectException.class, () -> call("1001", SandboxBilling.SOAP_ACTION));
        billing.start();
        assertEquals(port, billing.port());
        assertEquals(200, call("1001", SandboxBilling.SOAP_ACTION).statusCode());

        billing.failWith(503);
        HttpResponse<String> gateway = call("1001", SandboxBilling.SOAP_ACTION);
        assertEquals(503, gateway.statusCode());
        assertTrue(gateway.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }

}
