package io.switchboard.system.billing.internal;

import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * {@code BillingService.wsdl}'s one operation over SOAP 1.1, on the JDK's HTTP client and DOM.
 *
 * <p>Why not a generated JAX-WS proxy: inside Karaf a JAX-WS client needs CXF's JAX-WS frontend
 * wired to the caller's bundle at the moment the proxy is built (thread context class loader, the
 * bus, the HTTP conduit), and a refresh of CXF bundles breaks every client and endpoint until a
 * restart (STACK.md). The contract is one document/literal operation; writing the envelope and
 * reading the answer with the JDK keeps this bundle free of CXF, and a test checks the envelope
 * against the WSDL's schema and runs it against the sandbox, which validates every request.
 */
final class BillingClient {

    static final String NAMESPACE = "urn:switchboard:billing:1";
    static final String SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String SOAP_ACTION = "urn:switchboard:billing:1:GetAccountStatus";

    record Settings(URI endpoint, Duration connectTimeout, Duration callTimeout, String username, String password) {
    }

    private final Settings settings;
    private final HttpClient http;

    BillingClient(Settings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout()).build();
    }

    Settings settings() {
        return settings;
    }

    AccountStatus accountStatus(String accountNumber) throws SystemFault, SystemUnreachable {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.endpoint())
                .timeout(settings.callTimeout())
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"" + SOAP_ACTION + "\"")
                .POST(HttpRequest.BodyPublishers.ofString(request(accountNumber), StandardCharsets.UTF_8));
        if (settings.username() != null && !settings.username().isBlank()) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new SystemUnreachable("no answer from " + settings.endpoint() + " within "
                    + settings.callTimeout().toSeconds() + " s", e);
        } catch (IOException e) {
            throw new SystemUnreachable("cannot reach " + settings.endpoint() + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemUnreachable("interrupted while calling " + settings.endpoint(), e);
        }
        return answer(response.statusCode(), response.body());
    }

    static String request(String accountNumber) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"" + SOAP_ENVELOPE + "\"><soap:Body>"
                + "<b:GetAccountStatus xmlns:b=\"" + NAMESPACE + "\"><b:accountNumber>" + escape(accountNumber)
                + "</b:accountNumber></b:GetAccountStatus></soap:Body></soap:Envelope>";
    }

    /** A SOAP fault (HTTP 500 as SOAP 1.1 says, or 200 from lenient servers) is an answer; anything else is not. */
    static AccountStatus answer(int status, byte[] body) throws SystemFault, SystemUnreachable {
        Element payload;
        try {
            payload = payload(body);
        } catch (IllegalArgumentException e) {
            throw new SystemUnreachable("HTTP " + status + " without a SOAP answer (" + e.getMessage() + ")", e);
        }
        if (SOAP_ENVELOPE.equals(payload.getNamespaceURI()) && "Fault".equals(payload.getLocalName())) {
            String code = text(payload, null, "faultcode");
            String text = text(payload, null, "faultstring");
            throw new SystemFault(code, text == null || text.isBlank() ? "SOAP fault " + code : text);
        }
        if (status != 200 || !NAMESPACE.equals(payload.getNamespaceURI())
                || !"GetAccountStatusResponse".equals(payload.getLocalName())) {
            throw new SystemUnreachable("HTTP " + status + " with {" + payload.getNamespaceURI() + "}"
                    + payload.getLocalName() + ", not a GetAccountStatusResponse", null);
        }
        try {
            String since = text(payload, NAMESPACE, "suspendedSince");
            return new AccountStatus(text(payload, NAMESPACE, "accountNumber"),
                    new BigDecimal(required(payload, "balance")), new BigDecimal(required(payload, "arrears")),
                    required(payload, "status"), since == null || since.isBlank() ? null : Instant.parse(since));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new SystemUnreachable("GetAccountStatusResponse breaks the contract: " + e.getMessage(), e);
        }
    }

    private static String required(Element payload, String name) {
        String value = text(payload, NAMESPACE, name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value.trim();
    }

    private static String text(Element parent, String namespace, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())
                    && (namespace == null ? e.getNamespaceURI() == null : namespace.equals(e.getNamespaceURI()))) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }

    private static Element payload(byte[] body) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // an answer from outside never reads files or expands entities
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("not XML");
        }
        Element root = document.getDocumentElement();
        if (!SOAP_ENVELOPE.equals(root.getNamespaceURI()) || !"Envelope".equals(root.getLocalName())) {
            throw new IllegalArgumentException("not a SOAP 1.1 envelope");
        }
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && SOAP_ENVELOPE.equals(e.getNamespaceURI()) && "Body".equals(e.getLocalName())) {
                for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
                    if (c instanceof Element payload) {
                        return payload;
                    }
                }
            }
        }
        throw new IllegalArgumentException("empty soap:Body");
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String message = e.getMessage();
        if (message == null && e.getCause() != null) {
            message = e.getCause().toString();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
