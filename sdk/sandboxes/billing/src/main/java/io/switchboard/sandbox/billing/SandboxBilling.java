package io.switchboard.sandbox.billing;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.sandbox.support.SandboxServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A customer's billing system as far as Switchboard can tell: a SOAP 1.1 server for
 * {@code BillingService.wsdl} on the JDK's HTTP server, at {@code http://127.0.0.1:<port>/billing}
 * ({@code ?wsdl} serves the contract). Requests are checked against the WSDL's own schema, so a
 * client that drifts from the contract gets a {@code soap:Client} fault here before it meets a real
 * system. An unknown account is the declared {@code AccountNotFound} fault.
 *
 * <p>To play an outage, {@link #stop()} it and {@link #start()} it again: the port stays the same.
 * {@link #delay(Duration)} makes it slow (a timeout), {@link #failWith(int)} makes it answer an HTTP
 * error page without a SOAP envelope (a broken gateway in front of it).
 */
public final class SandboxBilling extends SandboxServer {

    public static final String NAMESPACE = "urn:switchboard:billing:1";
    public static final String SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/";
    public static final String SOAP_ACTION = "urn:switchboard:billing:1:GetAccountStatus";
    /** The contract, on the class path of the sandbox and of the connector. */
    public static final String WSDL_RESOURCE = "/io/switchboard/system/billing/BillingService.wsdl";
    static final String PATH = "/billing";

    /** One account: {@code status} is ACTIVE, SUSPENDED or CLOSED; amounts in CNY. */
    public record Account(String number, BigDecimal balance, BigDecimal arrears, String status, Instant suspendedSince) {
        public Account {
            Objects.requireNonNull(number, "number");
            Objects.requireNonNull(balance, "balance");
            Objects.requireNonNull(arrears, "arrears");
            if (!List.of("ACTIVE", "SUSPENDED", "CLOSED").contains(status)) {
                throw new IllegalArgumentException("status is ACTIVE, SUSPENDED or CLOSED, not " + status);
            }
        }
    }

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final String wsdl;
    private final Schema schema;
    private volatile Duration delay = Duration.ZERO;
    private volatile int failWith;

    private SandboxBilling(int port) {
        super("sandbox-billing", port);
        this.wsdl = readWsdl();
        this.schema = schemaOf(wsdl);
        context(PATH, this::handle);
    }

    /** Starts it on {@code port} (0: a free one, which it then keeps across {@link #stop()} and {@link #start()}). */
    public static SandboxBilling start(int port) {
        SandboxBilling billing = new SandboxBilling(port);
        billing.start();
        return billing;
    }

    /** Where the service answers (its endpoint address). */
    @Override
    public String url() {
        return super.url() + PATH;
    }

    public SandboxBilling account(Account account) {
        accounts.put(account.number(), account);
        return this;
    }

    public SandboxBilling active(String number, String balance) {
        return account(new Account(number, new BigDecimal(balance), BigDecimal.ZERO, "ACTIVE", null));
    }

    public SandboxBilling suspended(String number, String arrears, Instant since) {
        BigDecimal owed = new BigDecimal(arrears);
        return account(new Account(number, owed.negate(), owed, "SUSPENDED", since));
    }

    public SandboxBilling closed(String number) {
        return account(new Account(number, BigDecimal.ZERO, BigDecimal.ZERO, "CLOSED", null));
    }

    public SandboxBilling remove(String number) {
        accounts.remove(number);
        return this;
    }

    /** Every answer waits this long first (a slow system, a client's timeout). */
    public void delay(Duration delay) {
        this.delay = delay == null ? Duration.ZERO : delay;
    }

    /** Every POST is answered with this HTTP status and an HTML page (0: answer normally). */
    public void failWith(int httpStatus) {
        this.failWith = httpStatus;
    }

    /** The account numbers asked for, in order, including unknown ones. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    /** The WSDL's schema: what requests and answers must match. */
    public Schema schema() {
        return schema;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if ("GET".equals(exchange.getRequestMethod()) && "wsdl".equalsIgnoreCase(exchange.getRequestURI().getQuery())) {
                String served = wsdl.replace("http://localhost:8089/billing", url());
                SandboxServer.send(exchange, 200, "text/xml; charset=utf-8", served);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                SandboxServer.send(exchange, 405, "text/plain; charset=utf-8", "POST a SOAP 1.1 envelope, or GET ?wsdl");
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            SandboxServer.pause(delay);
            if (failWith != 0) {
                SandboxServer.errorPage(exchange, failWith);
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType == null || !contentType.toLowerCase().startsWith("text/xml")) {
                // SOAP 1.1 is text/xml; application/soap+xml would be SOAP 1.2
                SandboxServer.send(exchange, 415, "text/plain; charset=utf-8", "SOAP 1.1 requests are text/xml, not " + contentType);
                return;
            }
            String action = exchange.getRequestHeaders().getFirst("SOAPAction");
            if (action == null || !SOAP_ACTION.equals(action.replace("\"", "").trim())) {
                fault(exchange, "soap:Client", "SOAPAction must be \"" + SOAP_ACTION + "\", was " + action, null);
                return;
            }
            Element request;
            try {
                request = bodyElement(body);
                schema.newValidator().validate(new DOMSource(request));
            } catch (SAXException | IllegalArgumentException e) {
                fault(exchange, "soap:Client", "not a GetAccountStatus request of BillingService.wsdl: " + e.getMessage(), null);
                return;
            }
            String number = request.getElementsByTagNameNS(NAMESPACE, "accountNumber").item(0).getTextContent().trim();
            asked.add(number);
            Account account = accounts.get(number);
            if (account == null) {
                fault(exchange, "soap:Client", "Account " + number + " not found",
                        "<b:AccountNotFound xmlns:b=\"" + NAMESPACE + "\"><b:accountNumber>" + escape(number)
                                + "</b:accountNumber></b:AccountNotFound>");
                return;
            }
            SandboxServer.send(exchange, 200, "text/xml; charset=utf-8", envelope(response(account)));
        } catch (RuntimeException e) {
            fault(exchange, "soap:Server", "sandbox failed: " + e, null);
        }
    }

    static String response(Account a) {
        StringBuilder xml = new StringBuilder("<b:GetAccountStatusResponse xmlns:b=\"" + NAMESPACE + "\">")
                .append("<b:accountNumber>").append(escape(a.number())).append("</b:accountNumber>")
                .append("<b:balance>").append(yuan(a.balance())).append("</b:balance>")
                .append("<b:arrears>").append(yuan(a.arrears())).append("</b:arrears>")
                .append("<b:status>").append(a.status()).append("</b:status>");
        if (a.suspendedSince() != null) {
            xml.append("<b:suspendedSince>").append(a.suspendedSince()).append("</b:suspendedSince>");
        }
        return xml.append("</b:GetAccountStatusResponse>").toString();
    }

    private static String yuan(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    static String envelope(String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"" + SOAP_ENVELOPE + "\"><soap:Body>"
                + body + "</soap:Body></soap:Envelope>";
    }

    /** SOAP 1.1 section 6.2: a fault goes with HTTP 500. */
    private static void fault(HttpExchange exchange, String code, String text, String detail) throws IOException {
        SandboxServer.send(exchange, 500, "text/xml; charset=utf-8", envelope("<soap:Fault><faultcode>" + code + "</faultcode><faultstring>"
                + escape(text) + "</faultstring>" + (detail == null ? "" : "<detail>" + detail + "</detail>") + "</soap:Fault>"));
    }

    private static Element bodyElement(byte[] body) {
        Document envelope;
        try {
            envelope = parser().parse(new ByteArrayInputStream(body));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("not XML: " + e.getMessage());
        }
        Element root = envelope.getDocumentElement();
        if (!SOAP_ENVELOPE.equals(root.getNamespaceURI()) || !"Envelope".equals(root.getLocalName())) {
            throw new IllegalArgumentException("not a SOAP 1.1 envelope: {" + root.getNamespaceURI() + "}" + root.getLocalName());
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
        throw new IllegalArgumentException("the envelope has an empty or no soap:Body");
    }

    static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readWsdl() {
        try (InputStream in = SandboxBilling.class.getResourceAsStream(WSDL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(WSDL_RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema inside the WSDL's types, with the namespace prefixes it borrows from the WSDL. */
    static Schema schemaOf(String wsdl) {
        try {
            Document doc = parser().parse(new ByteArrayInputStream(wsdl.getBytes(StandardCharsets.UTF_8)));
            Element definitions = doc.getDocumentElement();
            Element schema = (Element) doc.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "schema").item(0);
            Document alone = parser().newDocument();
            Element copy = (Element) alone.importNode(schema, true);
            NamedNodeMap attributes = definitions.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Node a = attributes.item(i);
                if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI()) && !copy.hasAttribute(a.getNodeName())) {
                    copy.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, a.getNodeName(), a.getNodeValue());
                }
            }
            alone.appendChild(copy);
            return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(new DOMSource(alone));
        } catch (SAXException | IOException e) {
            throw new IllegalStateException("BillingService.wsdl has no usable schema: " + e.getMessage(), e);
        }
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
