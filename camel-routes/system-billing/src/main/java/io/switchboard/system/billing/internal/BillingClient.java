package io.switchboard.system.billing.internal;

import io.switchboard.system.billing.internal.soap.AccountNotFound_Exception;
import io.switchboard.system.billing.internal.soap.AccountState;
import io.switchboard.system.billing.internal.soap.BillingPortType;
import io.switchboard.system.billing.internal.soap.GetAccountStatus;
import io.switchboard.system.billing.internal.soap.GetAccountStatusResponse;
import io.switchboard.systems.SystemFault;
import io.switchboard.systems.SystemUnreachable;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.xml.namespace.QName;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.interceptor.Soap11FaultInInterceptor;
import org.apache.cxf.configuration.security.AuthorizationPolicy;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.interceptor.ClientFaultConverter;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.logging.FaultListener;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http.HTTPException;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;

/**
 * {@code BillingService.wsdl}'s one operation through a CXF JAX-WS proxy of the port type that
 * {@code cxf-codegen-plugin} generates from the WSDL at build time (package {@code internal.soap}).
 *
 * <p>One client per configuration: it owns its own CXF bus and HTTP conduit, built with this
 * bundle's class loader as the thread's context class loader (CXF and JAXB look classes up through
 * it inside Karaf), so it depends on no other bundle's bus and a new configuration is a new client.
 * {@link #close()} shuts the bus down.
 */
final class BillingClient implements Closeable {

    static final String NAMESPACE = "urn:switchboard:billing:1";
    static final QName SERVICE = new QName(NAMESPACE, "BillingService");
    static final QName PORT = new QName(NAMESPACE, "BillingPort");

    record Settings(URI endpoint, Duration connectTimeout, Duration callTimeout, String username, String password) {
    }

    private final Settings settings;
    private final Bus bus;
    private final BillingPortType port;

    BillingClient(Settings settings) {
        this.settings = settings;
        this.bus = inBundle(() -> BusFactory.newInstance().createBus());
        this.port = inBundle(this::proxy);
    }

    private BillingPortType proxy() {
        JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
        factory.setBus(bus);
        factory.setServiceClass(BillingPortType.class);
        factory.setServiceName(SERVICE);
        factory.setEndpointName(PORT);
        factory.setAddress(settings.endpoint().toString());
        factory.getInFaultInterceptors().add(new AnsweredFaults());
        // the connector logs each failure once with what it does about it; CXF's stack trace per attempt is noise
        factory.setProperties(new HashMap<>(Map.of(FaultListener.class.getName(),
                (FaultListener) (exception, description, message) -> false)));
        BillingPortType proxy = factory.create(BillingPortType.class);
        HTTPConduit conduit = (HTTPConduit) ClientProxy.getClient(proxy).getConduit();
        HTTPClientPolicy policy = new HTTPClientPolicy();
        policy.setConnectionTimeout(settings.connectTimeout().toMillis());
        policy.setReceiveTimeout(settings.callTimeout().toMillis());
        // one small document: a Content-Length, which every gateway in front of billing understands
        policy.setAllowChunking(false);
        conduit.setClient(policy);
        if (settings.username() != null && !settings.username().isBlank()) {
            AuthorizationPolicy basic = new AuthorizationPolicy();
            basic.setAuthorizationType("Basic");
            basic.setUserName(settings.username());
            basic.setPassword(settings.password());
            conduit.setAuthorization(basic);
        }
        return proxy;
    }

    Settings settings() {
        return settings;
    }

    AccountStatus accountStatus(String accountNumber) throws SystemFault, SystemUnreachable {
        GetAccountStatus request = new GetAccountStatus();
        request.setAccountNumber(accountNumber);
        GetAccountStatusResponse response;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(BillingClient.class.getClassLoader());
        try {
            response = port.getAccountStatus(request);
        } catch (AccountNotFound_Exception e) {
            // not thrown: AnsweredFaults takes every fault billing sends before CXF maps the declared one
            throw new SystemFault(null, e.getMessage());
        } catch (RuntimeException e) {
            // WebServiceException, CXF's Fault, or a client closed by a new configuration under this call
            throw unreachable(answered(e));
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        return status(response);
    }

    /** Only a fault billing sent is an answer; anything else on the way is an outage. */
    private static RuntimeException answered(RuntimeException e) throws SystemFault {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Answered answered) {
                String code = code(answered.getFaultCode());
                String text = answered.getReason();
                throw new SystemFault(code, text == null || text.isBlank() ? "SOAP fault " + code : text);
            }
        }
        return e;
    }

    private SystemUnreachable unreachable(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return new SystemUnreachable("no answer from " + settings.endpoint() + " within "
                        + settings.callTimeout().toSeconds() + " s", e);
            }
            if (t instanceof HTTPException http) {
                return new SystemUnreachable("HTTP " + http.getResponseCode() + " without a SOAP answer from "
                        + settings.endpoint(), e);
            }
            if (t instanceof ConnectException) {
                return new SystemUnreachable("cannot reach " + settings.endpoint() + ": connection refused", e);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return new SystemUnreachable("cannot reach " + settings.endpoint() + ": " + describe(io), e);
            }
        }
        return new SystemUnreachable("no GetAccountStatusResponse from " + settings.endpoint() + ": " + describe(e), e);
    }

    /** JAXB reads leniently (a missing or unknown value is null): what the contract requires is checked here. */
    static AccountStatus status(GetAccountStatusResponse response) throws SystemUnreachable {
        if (response == null) {
            throw new SystemUnreachable("GetAccountStatusResponse breaks the contract: no answer in the body", null);
        }
        String missing = response.getBalance() == null ? "balance"
                : response.getArrears() == null ? "arrears"
                : response.getStatus() == null ? "status" : null;
        if (missing != null) {
            throw new SystemUnreachable("GetAccountStatusResponse breaks the contract: " + missing + " is missing or not "
                    + "one of its values", null);
        }
        AccountState state = response.getStatus();
        Instant since = response.getSuspendedSince() == null ? null
                : response.getSuspendedSince().toGregorianCalendar().toInstant();
        return new AccountStatus(response.getAccountNumber() == null ? null : response.getAccountNumber().trim(),
                response.getBalance(), response.getArrears(), state.value(), since);
    }

    @Override
    public void close() {
        Client client = ClientProxy.getClient(port);
        inBundle(() -> {
            client.destroy();
            bus.shutdown(false);
            return null;
        });
    }

    private static <T> T inBundle(Supplier<T> work) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Bus previousBus = BusFactory.getThreadDefaultBus(false);
        Thread.currentThread().setContextClassLoader(BillingClient.class.getClassLoader());
        try {
            return work.get();
        } finally {
            // creating a bus makes it this thread's default; the thread (Config Admin's, a route's) is not ours
            BusFactory.setThreadDefaultBus(previousBus);
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    private static String code(QName code) {
        if (code == null) {
            return null;
        }
        return code.getPrefix() == null || code.getPrefix().isEmpty() ? code.getLocalPart()
                : code.getPrefix() + ":" + code.getLocalPart();
    }

    /**
     * A fault billing sent, with its faultcode and faultstring as they were on the wire. Without a
     * cause and a detail, so CXF neither maps it to the declared fault nor hides it behind a cause.
     */
    static final class Answered extends SoapFault {
        private static final long serialVersionUID = 1L;

        Answered(SoapFault sent) {
            super(sent.getReason(), sent.getFaultCode());
        }
    }

    /**
     * Runs only for a fault billing answered (CXF's in-fault chain, right after the SOAP 1.1 fault is
     * read), never for a failure of our own or of the transport: it keeps the fault's code and text,
     * which CXF's mapping to the WSDL's declared fault would drop.
     */
    static final class AnsweredFaults extends AbstractPhaseInterceptor<Message> {
        AnsweredFaults() {
            super(Phase.UNMARSHAL);
            addAfter(Soap11FaultInInterceptor.class.getName());
            addBefore(ClientFaultConverter.class.getName());
        }

        @Override
        public void handleMessage(Message message) {
            if (message.getContent(Exception.class) instanceof SoapFault fault) {
                message.setContent(Exception.class, new Answered(fault));
            }
        }
    }
}
