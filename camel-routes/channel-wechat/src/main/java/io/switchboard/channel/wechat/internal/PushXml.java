package io.switchboard.channel.wechat.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads the flat XML WeChat pushes ({@code <xml><MsgType>..</MsgType>..</xml>}) into its fields.
 *
 * <p>The XML comes from the internet before anything vouches for it (the signature covers only the
 * query string in plain mode), so the parser refuses any DOCTYPE: no external entities (XXE), no
 * entity expansion (billion laughs), no DTD or schema fetched, no XInclude. WeChat never sends one.
 */
final class PushXml {

    private static final ErrorHandler STRICT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // not a reason to refuse
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private final DocumentBuilderFactory factory;

    PushXml() {
        // the JDK's own parser, whatever a bundle elsewhere registers as the JAXP default
        factory = DocumentBuilderFactory.newDefaultInstance();
        try {
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made safe; refusing to read pushes", e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(false);
        factory.setValidating(false);
    }

    /**
     * The root's child elements by name. CDATA content is kept exactly (a customer's text); plain
     * text content is stripped of the layout whitespace around it. Nested elements are skipped.
     *
     * @throws IllegalArgumentException when it is not well-formed XML or has a DOCTYPE
     */
    Map<String, String> parse(byte[] xml) {
        Element root;
        try {
            DocumentBuilder builder;
            synchronized (factory) {
                builder = factory.newDocumentBuilder();
            }
            builder.setErrorHandler(STRICT);
            builder.setEntityResolver((publicId, systemId) -> new InputSource(new StringReader("")));
            root = builder.parse(new ByteArrayInputStream(xml)).getDocumentElement();
        } catch (SAXException e) {
            throw new IllegalArgumentException("not acceptable XML: " + e.getMessage());
        } catch (IOException | ParserConfigurationException e) {
            throw new IllegalArgumentException("unreadable XML: " + e.getMessage());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && !hasElements(e)) {
                fields.putIfAbsent(e.getTagName(), value(e));
            }
        }
        return fields;
    }

    private static boolean hasElements(Element e) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                return true;
            }
        }
        return false;
    }

    private static String value(Element e) {
        StringBuilder cdata = new StringBuilder();
        boolean hasCdata = false;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.CDATA_SECTION_NODE) {
                hasCdata = true;
                cdata.append(n.getNodeValue());
            }
        }
        return hasCdata ? cdata.toString() : e.getTextContent().strip();
    }
}
