package io.switchboard.routefiles.internal;

import io.switchboard.api.Roles;
import io.switchboard.rest.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.PATCH;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.RestConfiguration;
import org.apache.camel.spi.RestConsumerFactory;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route files' own HTTP endpoints ({@code from: rest:post:/orders}, or the REST DSL), served under
 * {@code /switchboard/routes/<file>/…} by the platform's {@code RestEndpoint}: the same login as
 * every API (a user with the {@code admin} or {@code agent} role; 401 without one), the same problem
 * documents. Camel asks each route file's context for a {@link RestConsumerFactory}; this one (bound
 * in every file's registry) turns a REST consumer into an entry here while its route runs.
 *
 * <p>Camel's jakarta servlet components cannot serve on Karaf's javax HTTP server (STACK.md); this is
 * the javax one, and it keeps route files' paths under one prefix where they cannot shadow the
 * platform's.
 */
@RolesAllowed({Roles.ADMIN, Roles.INTEGRATOR, Roles.AGENT})
@Path("/")
public final class RouteHttp implements RestConsumerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RouteHttp.class);

    /** One HTTP operation of a running route: a verb and a path template ({@code /orders/{id}}). */
    record Operation(String verb, List<String> template, RouteHttpConsumer consumer) {
    }

    /** As every Switchboard API's default. */
    static final int MAX_BODY_BYTES = io.switchboard.rest.RestEndpoint.DEFAULT_MAX_BODY_BYTES;

    private final Map<String, List<Operation>> byFile = new ConcurrentHashMap<>();

    // --- Camel's side: a running route's REST consumer registers its operation

    @Override
    public Consumer createConsumer(CamelContext camelContext, Processor processor, String verb, String basePath, String uriTemplate,
                                   String consumes, String produces, RestConfiguration configuration, Map<String, Object> parameters) {
        String path = join(basePath, uriTemplate);
        RouteHttpEndpoint endpoint = new RouteHttpEndpoint("switchboard-http:" + verb + ":" + path, camelContext);
        return new RouteHttpConsumer(endpoint, processor, this, camelContext.getName(), verb.toUpperCase(java.util.Locale.ROOT),
                segments(path), produces);
    }

    static String join(String basePath, String uriTemplate) {
        String p = (basePath == null ? "" : basePath) + "/" + (uriTemplate == null ? "" : uriTemplate);
        return "/" + String.join("/", segments(p));
    }

    static List<String> segments(String path) {
        List<String> s = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                s.add(part);
            }
        }
        return s;
    }

    void register(String file, Operation operation) {
        byFile.computeIfAbsent(file, f -> new CopyOnWriteArrayList<>()).add(operation);
        LOG.info("Route file {} serves {} {}/{}/{}", file, operation.verb(), io.switchboard.rest.RestEndpoint.ROUTES, file,
                String.join("/", operation.template()));
    }

    void unregister(String file, RouteHttpConsumer consumer) {
        List<Operation> ops = byFile.get(file);
        if (ops != null) {
            ops.removeIf(o -> o.consumer() == consumer);
        }
    }

    // --- HTTP's side

    @GET
    @Path("{file}/{path: .*}")
    public Response get(@PathParam("file") String file, @PathParam("path") String path, @Context HttpHeaders headers,
                        @Context UriInfo uri, @Context SecurityContext security) {
        return handle("GET", file, path, null, headers, uri, security);
    }

    @DELETE
    @Path("{file}/{path: .*}")
    public Response delete(@PathParam("file") String file, @PathParam("path") String path, @Context HttpHeaders headers,
                           @Context UriInfo uri, @Context SecurityContext security) {
        return handle("DELETE", file, path, null, headers, uri, security);
    }

    @POST
    @Path("{file}/{path: .*}")
    public Response post(@PathParam("file") String file, @PathParam("path") String path, java.io.InputStream body, @Context HttpHeaders headers,
                         @Context UriInfo uri, @Context SecurityContext security) {
        return handle("POST", file, path, read(body), headers, uri, security);
    }

    @PUT
    @Path("{file}/{path: .*}")
    public Response put(@PathParam("file") String file, @PathParam("path") String path, java.io.InputStream body, @Context HttpHeaders headers,
                        @Context UriInfo uri, @Context SecurityContext security) {
        return handle("PUT", file, path, read(body), headers, uri, security);
    }

    @PATCH
    @Path("{file}/{path: .*}")
    public Response patch(@PathParam("file") String file, @PathParam("path") String path, java.io.InputStream body, @Context HttpHeaders headers,
                          @Context UriInfo uri, @Context SecurityContext security) {
        return handle("PATCH", file, path, read(body), headers, uri, security);
    }

    /** The request body, refused beyond {@link #MAX_BODY_BYTES} before more of it is read. */
    static byte[] read(java.io.InputStream in) {
        try {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new ProblemException(413, "Request body too large", "a route file's endpoint takes at most " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        } catch (java.io.IOException e) {
            throw new ProblemException(400, "The request body could not be read", e.getMessage());
        }
    }

    private Response handle(String verb, String file, String path, byte[] body, HttpHeaders headers, UriInfo uri,
                            SecurityContext security) {
        List<String> requested = segments(path);
        Operation match = null;
        Map<String, String> pathParams = Map.of();
        boolean pathKnown = false;
        for (Operation op : byFile.getOrDefault(file, List.of())) {
            Map<String, String> params = matches(op.template(), requested);
            if (params != null) {
                pathKnown = true;
                if (op.verb().equals(verb)) {
                    match = op;
                    pathParams = params;
                    break;
                }
            }
        }
        if (match == null) {
            if (pathKnown) {
                throw new ProblemException(405, "Method not allowed", verb + " is not served at this path of " + file);
            }
            throw new ProblemException(404, "Not found", "no running route of route file " + file + " serves " + verb + " /" + path);
        }
        RouteHttpConsumer consumer = match.consumer();
        Exchange exchange = consumer.createExchange(false);
        try {
            org.apache.camel.Message in = exchange.getMessage();
            MultivaluedMap<String, String> query = uri.getQueryParameters();
            query.forEach((k, v) -> in.setHeader(k, v.size() == 1 ? v.get(0) : List.copyOf(v)));
            pathParams.forEach(in::setHeader);
            if (headers.getMediaType() != null) {
                in.setHeader(Exchange.CONTENT_TYPE, headers.getMediaType().toString());
            }
            in.setHeader(Exchange.HTTP_METHOD, verb);
            in.setHeader(Exchange.HTTP_PATH, "/" + path);
            in.setHeader(Exchange.HTTP_QUERY, uri.getRequestUri().getRawQuery());
            // who called, for the route to record or decide on: the platform's login has checked them
            in.setHeader("sbUser", security.getUserPrincipal() == null ? null : security.getUserPrincipal().getName());
            if (body != null && body.length > 0) {
                in.setBody(new String(body, StandardCharsets.UTF_8));
            }
            consumer.getProcessor().process(exchange);
            if (exchange.getException() != null) {
                LOG.warn("Route file {}: {} /{} failed: {}", file, verb, path, exchange.getException().toString());
                throw new ProblemException(500, "The route failed", "route file " + file + " could not answer " + verb + " /" + path
                        + "; the server log has the reason");
            }
            org.apache.camel.Message out = exchange.getMessage();
            Integer status = out.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            String text = out.getBody(String.class);
            Response.ResponseBuilder r = Response.status(status != null ? status : text == null ? 204 : 200);
            if (text != null) {
                String type = out.getHeader(Exchange.CONTENT_TYPE, String.class);
                r.entity(text.getBytes(StandardCharsets.UTF_8)).type(type != null ? type
                        : match.consumer().produces() != null ? match.consumer().produces() : "text/plain; charset=UTF-8");
            }
            return r.build();
        } catch (ProblemException e) {
            throw e;
        } catch (Exception e) {
            LOG.warn("Route file {}: {} /{} failed", file, verb, path, e);
            throw new ProblemException(500, "The route failed", "route file " + file + " could not answer; the server log has the reason");
        } finally {
            consumer.releaseExchange(exchange, false);
        }
    }

    /** The path parameters of {@code requested} under {@code template}, or null when it does not match. */
    static Map<String, String> matches(List<String> template, List<String> requested) {
        if (template.size() != requested.size()) {
            return null;
        }
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                params.put(t.substring(1, t.length() - 1), requested.get(i));
            } else if (!t.equals(requested.get(i))) {
                return null;
            }
        }
        return params;
    }

    /** A route's REST consumer: listed here while the route runs. */
    static final class RouteHttpConsumer extends DefaultConsumer {

        private final RouteHttp http;
        private final String file;
        private final String verb;
        private final List<String> template;
        private final String produces;

        RouteHttpConsumer(RouteHttpEndpoint endpoint, Processor processor, RouteHttp http, String file, String verb,
                          List<String> template, String produces) {
            super(endpoint, processor);
            this.http = http;
            this.file = file;
            this.verb = verb;
            this.template = template;
            this.produces = produces;
        }

        String produces() {
            return produces;
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            http.register(file, new Operation(verb, template, this));
        }

        @Override
        protected void doStop() throws Exception {
            http.unregister(file, this);
            super.doStop();
        }
    }

    /** What a REST consumer belongs to; it is only ever consumed from, by the platform. */
    static final class RouteHttpEndpoint extends DefaultEndpoint {

        RouteHttpEndpoint(String uri, CamelContext context) {
            super(uri, null);
            setCamelContext(context);
        }

        @Override
        public Producer createProducer() {
            throw new UnsupportedOperationException("a route file's HTTP endpoint is called over HTTP");
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("made by RouteHttp.createConsumer");
        }

        @Override
        public boolean isSingleton() {
            return true;
        }
    }
}
