package io.switchboard.rest;

import io.switchboard.api.CanonicalJson;
import io.switchboard.rest.internal.BodyLimit;
import io.switchboard.rest.internal.DeclaredAccess;
import io.switchboard.rest.internal.JsonBody;
import io.switchboard.rest.internal.ProblemMapper;
import io.switchboard.rest.internal.RealmLogin;
import io.switchboard.rest.internal.ServerReadiness;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import javax.servlet.Servlet;
import javax.servlet.ServletConfig;
import javax.servlet.ServletException;
import javax.ws.rs.core.Application;
import org.apache.cxf.jaxrs.servlet.CXFNonSpringJaxrsServlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.util.tracker.ServiceTracker;

/**
 * JAX-RS resources of one bundle, served by CXF under a path of Karaf's HTTP server.
 *
 * <p>Each bundle gets its own CXF servlet through the HTTP whiteboard, so installing, updating or
 * removing a plugin never touches (or refreshes) another bundle's endpoints or CXF itself. Every
 * endpoint gets the same JSON binding, problem documents and login. Every resource method declares
 * who may call it, {@code @RolesAllowed} of {@link io.switchboard.api.Roles} or {@code @PermitAll}; one that declares
 * nothing is refused to everyone. The servlet's registration lists each operation with its roles,
 * which {@code GET /switchboard/api/access} shows.
 */
public final class RestEndpoint implements AutoCloseable {

    /** Where all of Switchboard's HTTP APIs live. */
    public static final String ROOT = "/switchboard/api";
    /**
     * Where route files' own endpoints live, {@code /switchboard/routes/<file>/...}: beside the APIs, not
     * among them, so that no route file can take an API's path.
     */
    public static final String ROUTES = "/switchboard/routes";
    /**
     * Service property of a whiteboard servlet or resource under {@code /switchboard/}: the roles that
     * may call it (a {@code String[]} of {@link io.switchboard.api.Roles}), or {@link #PUBLIC}. The access
     * listing ({@code GET /switchboard/api/access}) shows a servlet without it as undeclared.
     */
    public static final String ACCESS = "switchboard.access";
    /** {@link #ACCESS} of a servlet anyone may call; it checks what it needs itself (a signature, a visitor id). */
    public static final String PUBLIC = "public";
    /** Default limit on a request body; endpoints taking customer input set their own. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    private final ServiceRegistration<Servlet> registration;
    private final ServiceTracker<Sessions, Sessions> sessions;
    private final ServiceTracker<ServerReadiness, ServerReadiness> readiness;

    private RestEndpoint(ServiceRegistration<Servlet> registration, ServiceTracker<Sessions, Sessions> sessions,
                         ServiceTracker<ServerReadiness, ServerReadiness> readiness) {
        this.registration = registration;
        this.sessions = sessions;
        this.readiness = readiness;
    }

    /**
     * @param path        below {@link #ROOT}, e.g. {@code /webchat}; empty for the root itself
     * @param async       whether resources suspend responses (server-sent events)
     * @param resources   JAX-RS resource and provider instances
     */
    public static RestEndpoint publish(BundleContext context, String path, int maxBodyBytes, boolean async,
                                       Object... resources) {
        return publish(context, ROOT, path, maxBodyBytes, async, resources);
    }

    /**
     * As {@link #publish(BundleContext, String, int, boolean, Object...)}, under another of the platform's
     * roots, such as {@link #ROUTES}.
     *
     * @param root where under {@code /switchboard/} the endpoint lives, e.g. {@link #ROUTES}
     */
    public static RestEndpoint publish(BundleContext context, String root, String path, int maxBodyBytes, boolean async,
                                       Object... resources) {
        if (!root.startsWith("/switchboard/") || root.endsWith("/")) {
            throw new IllegalArgumentException("not a root under /switchboard/: " + root);
        }
        Set<Object> singletons = new HashSet<>(List.of(resources));
        CanonicalJson json = new CanonicalJson();
        singletons.add(new JsonBody(json));
        // a path none of the endpoint's resources has is 503 while the server starts: its own endpoint may be on its way
        ServiceTracker<ServerReadiness, ServerReadiness> readiness = new ServiceTracker<>(context, ServerReadiness.class, null);
        readiness.open();
        singletons.add(new ProblemMapper(() -> {
            ServerReadiness server = readiness.getService();
            return server == null ? List.of("the server's readiness is not known yet") : server.pending();
        }));
        // tokens are checked by whichever Sessions service is registered at the time of the request
        ServiceTracker<Sessions, Sessions> sessions = new ServiceTracker<>(context, Sessions.class, null);
        sessions.open();
        singletons.add(new RealmLogin(() -> java.util.Optional.ofNullable(sessions.getService())));
        Application application = new Application() {
            @Override
            public Set<Object> getSingletons() {
                return singletons;
            }
        };
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, root + path + "/*");
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, (root + path).substring(1).replace('/', '-'));
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, async);
        props.put(DeclaredAccess.OPERATIONS, DeclaredAccess.operations(root + path, List.of(resources)).toArray(String[]::new));
        return new RestEndpoint(context.registerService(Servlet.class, new Endpoint(application, maxBodyBytes, json), props),
                sessions, readiness);
    }

    /**
     * Who is calling, for the core's object rules ({@code AgentDesk.require}, {@code CustomerDirectory.require}):
     * the login and every platform role it holds.
     */
    public static io.switchboard.api.Staff staff(javax.ws.rs.core.SecurityContext security) {
        return new io.switchboard.api.Staff(security.getUserPrincipal().getName(),
                io.switchboard.api.Roles.ALL.stream().filter(security::isUserInRole).collect(java.util.stream.Collectors.toSet()));
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle stopped first
        }
        try {
            sessions.close();
            readiness.close();
        } catch (IllegalStateException alreadyGone) {
            // the bundle stopped first
        }
    }

    /** CXF builds its bus on the thread that initialises the servlet; it must see CXF's own classes. */
    private static final class Endpoint extends CXFNonSpringJaxrsServlet {
        private static final long serialVersionUID = 1L;
        private final int maxBodyBytes;
        private final transient CanonicalJson json;

        Endpoint(Application application, int maxBodyBytes, CanonicalJson json) {
            super(application);
            this.maxBodyBytes = maxBodyBytes;
            this.json = json;
        }

        @Override
        public void service(javax.servlet.ServletRequest request, javax.servlet.ServletResponse response)
                throws ServletException, java.io.IOException {
            // every body, JSON or bytes, within the endpoint's limit: an upload is never read whole past it
            javax.servlet.http.HttpServletRequest admitted = BodyLimit.admit((javax.servlet.http.HttpServletRequest) request,
                    (javax.servlet.http.HttpServletResponse) response, maxBodyBytes, json);
            if (admitted != null) {
                super.service(admitted, response);
            }
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(CXFNonSpringJaxrsServlet.class.getClassLoader());
            try {
                super.init(config);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }
    }

}
