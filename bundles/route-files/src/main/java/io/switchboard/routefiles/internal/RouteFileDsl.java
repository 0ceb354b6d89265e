package io.switchboard.routefiles.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.camel.dsl.xml.io.XmlRoutesBuilderLoader;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.apache.camel.spi.RoutesBuilderLoader;

/**
 * The two DSLs a route file may be written in, and which files are route files at all.
 *
 * <p>{@code deploy/} is shared with Karaf's own deployers (bundles, features XML, Blueprint and
 * Spring XML, KARs), so a file is only ours when its content says so: an XML file whose root is
 * a Camel XML DSL element in Camel's namespace or none, a YAML file named {@code *.camel.yaml} or
 * whose top-level list starts a Camel element. Everything else is left to whoever claims it.
 */
enum RouteFileDsl {
    YAML("yaml") {
        @Override
        RoutesBuilderLoader loader() {
            return new YamlRoutesBuilderLoader();
        }
    },
    XML("xml") {
        @Override
        RoutesBuilderLoader loader() {
            return new XmlRoutesBuilderLoader();
        }
    };

    /** The roots the XML IO DSL reads. */
    static final Set<String> XML_ROOTS = Set.of("routes", "route", "camel", "routeConfigurations",
            "routeConfiguration", "routeTemplates", "routeTemplate", "templatedRoutes", "templatedRoute", "rests", "rest");
    /** Camel's XML IO namespace, and the Spring XML one the XML IO DSL accepts as well (the documentation's examples use it). */
    static final Set<String> XML_NAMESPACES = Set.of("", "http://camel.apache.org/schema/xml-io",
            "http://camel.apache.org/schema/spring");
    /** A top-level YAML list item that starts a Camel element. */
    static final Pattern YAML_ROUTE = Pattern.compile(
            "^-\\s*(from|route|routeConfiguration|routeTemplate|templatedRoute|rest|beans|errorHandler|onException|onCompletion|intercept|interceptFrom|interceptSendToEndpoint)\\s*:",
            Pattern.MULTILINE);

    private final String label;

    RouteFileDsl(String label) {
        this.label = label;
    }

    abstract RoutesBuilderLoader loader();

    String label() {
        return label;
    }

    /** Whether a file called {@code name} is a Kamelet: a route template route files name, not a route file. */
    static boolean isKamelet(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".kamelet.yaml");
    }

    /** The DSL of a route file, or empty when the file is not a route file (someone else's, or a Kamelet). */
    static Optional<RouteFileDsl> of(String fileName, byte[] content) {
        if (isKamelet(fileName)) {
            return Optional.empty();
        }
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".camel.yaml") || name.endsWith(".camel.yml")) {
            return Optional.of(YAML);
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YAML_ROUTE.matcher(new String(content, StandardCharsets.UTF_8)).find() ? Optional.of(YAML) : Optional.empty();
        }
        if (name.endsWith(".camel.xml")) {
            return Optional.of(XML);
        }
        if (name.endsWith(".xml")) {
            return isCamelRoot(content) ? Optional.of(XML) : Optional.empty();
        }
        return Optional.empty();
    }

    /** The DSL of what is meant to be a route file, or why it is none. */
    static RouteFileDsl require(String name, byte[] content) {
        if (isKamelet(name)) {
            throw new IllegalArgumentException(name + " is a Kamelet, not a route file: route files use it by its name");
        }
        return of(name, content).orElseThrow(() -> new IllegalArgumentException(name
                + " is not a route file: name it *.camel.yaml or *.camel.xml, or give it a Camel root (see docs/integrator-guide.md)"));
    }

    /**
     * Whether the root element is one of the XML IO DSL's. Only the root is read; a file broken
     * further down is still ours, so its error is reported rather than the file ignored.
     */
    static boolean isCamelRoot(byte[] content) {
        // the JDK's own parser, whatever StAX provider the thread's class loader would find in Karaf
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        // no DTDs and no external entities: this is a file anyone with access to deploy/ wrote
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(content));
            try {
                while (reader.hasNext()) {
                    if (reader.next() == XMLStreamConstants.START_ELEMENT) {
                        String ns = reader.getNamespaceURI();
                        return XML_ROOTS.contains(reader.getLocalName())
                                && XML_NAMESPACES.contains(ns == null ? XMLConstants.NULL_NS_URI : ns);
                    }
                }
                return false;
            } finally {
                reader.close();
            }
        } catch (XMLStreamException | RuntimeException unreadable) {
            return false;
        }
    }
}
