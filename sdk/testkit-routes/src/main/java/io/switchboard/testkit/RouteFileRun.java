package io.switchboard.testkit;

import io.switchboard.bus.BundleRoutes;
import io.switchboard.routefiles.RouteFileRoutes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.InterceptSendToMockEndpointStrategy;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * An integrator's route file running in a JUnit test as it would in {@code deploy/}: read by the
 * server's own loader ({@link RouteFileRoutes}), its {@code bus:} endpoints on a {@link TestBus},
 * the outside world replaced where the test says so.
 *
 * <pre>{@code
 * try (TestBroker broker = TestBroker.start(); TestBus bus = TestBus.on(broker);
 *      RouteFileRun crm = RouteFileRun.of(Path.of("src/main/camel/crm.camel.yaml")).on(bus).mock("http*").start()) {
 *     MockEndpoint calls = crm.mock("http://crm.example.com/crm/events");
 *     calls.expectedMessageCount(1);
 *     bus.publish("sb.events", eventJson, Map.of("sbEventType", "message.received"));
 *     calls.assertIsSatisfied();
 * }
 * }</pre>
 *
 * Add the Camel components the file uses to the test's dependencies, as the server needs their
 * features: a file that names a component the test lacks fails in {@link Builder#start()} as it
 * would fail in {@code deploy/}.
 */
public final class RouteFileRun implements AutoCloseable {

    private final CamelContext context;
    private final ProducerTemplate template;

    private RouteFileRun(CamelContext context) {
        this.context = context;
        this.template = context.createProducerTemplate();
    }

    public static Builder of(Path file) {
        return new Builder(file);
    }

    /** The mock that replaced {@code uri} (as the file writes it, without its options), for expectations. */
    public MockEndpoint mock(String uri) {
        String plain = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        // named as Camel's interception names it: http://host/path becomes mock:http:host/path
        return context.getEndpoint("mock:" + plain.replaceFirst("://", ":"), MockEndpoint.class);
    }

    /** Sends to an endpoint of the running file, such as the {@code direct:} that {@link Builder#from} put in place of an input. */
    public ProducerTemplate template() {
        return template;
    }

    public CamelContext context() {
        return context;
    }

    @Override
    public void close() {
        try {
            template.close();
        } catch (Exception ignored) {
            // closing the context closes what is left
        }
        context.stop();
    }

    /** How the file runs: on which bus, with which beans and Kamelets, with what replaced. */
    public static final class Builder {

        private final Path file;
        private TestBus bus;
        private Path kamelets;
        private final Map<String, Object> beans = new LinkedHashMap<>();
        private final List<String> mocked = new ArrayList<>();
        private final Map<String, String> inputs = new LinkedHashMap<>();

        private Builder(Path file) {
            this.file = file;
        }

        /** The bus its {@code bus:} endpoints use. */
        public Builder on(TestBus testBus) {
            this.bus = testBus;
            return this;
        }

        /** Where its own {@code *.kamelet.yaml} files are (as {@code deploy/} in the server). */
        public Builder kamelets(Path directory) {
            this.kamelets = directory;
            return this;
        }

        /** A bean the file names, e.g. a DataSource {@code crm} for {@code jdbc:crm}. */
        public Builder bean(String name, Object bean) {
            beans.put(name, bean);
            return this;
        }

        /**
         * Endpoints the file sends to whose URI matches {@code pattern} ({@code http*}, {@code paho:*},
         * an exact URI) receive nothing: a mock endpoint {@code mock:<uri>} takes what they would have
         * been sent ({@link RouteFileRun#mock}).
         */
        public Builder mock(String pattern) {
            mocked.add(pattern);
            return this;
        }

        /** The route {@code routeId} starts from {@code uri} (a {@code direct:} the test sends to) instead of its own input. */
        public Builder from(String routeId, String uri) {
            inputs.put(routeId, uri);
            return this;
        }

        public RouteFileRun start() {
            if (bus == null) {
                throw new IllegalStateException("on(bus): a route file's bus: endpoints need a TestBus");
            }
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            DefaultCamelContext context = new DefaultCamelContext();
            context.getCamelContextExtension().setName(file.getFileName().toString());
            context.addComponent("bus", BundleRoutes.busComponent(bus));
            context.addComponent("bus-batch", BundleRoutes.batchComponent(bus));
            for (String pattern : mocked) {
                context.getCamelContextExtension().registerEndpointCallback(new InterceptSendToMockEndpointStrategy(pattern, true));
            }
            try {
                context.addRoutes(RouteFileRoutes.of(file.getFileName().toString(), content, kamelets, beans));
                for (Map.Entry<String, String> input : inputs.entrySet()) {
                    AdviceWith.adviceWith(context, input.getKey(), a -> a.replaceFromWith(input.getValue()));
                }
                context.start();
            } catch (Exception e) {
                context.stop();
                throw new IllegalStateException(file.getFileName() + " does not start: " + e.getMessage(), e);
            }
            return new RouteFileRun(context);
        }
    }
}
