package io.switchboard.rest.internal;

import io.switchboard.api.Roles;
import io.switchboard.rest.RestEndpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.runtime.dto.ResourceDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;
import org.osgi.service.http.runtime.dto.ServletDTO;

/**
 * {@code GET /switchboard/api/access}: who may call what, read from what the server serves at this
 * moment (the HTTP runtime's servlets and resources under {@code /switchboard}), not from a list kept
 * by hand. Each REST endpoint's operations come with the roles their methods declare; any other
 * servlet or resource with its {@link RestEndpoint#ACCESS} property, or {@code undeclared}.
 */
@Path("/")
public final class AccessApi {

    /**
     * @param method an HTTP method, or {@code *} for a servlet or resource that serves every one
     * @param path   the path, with {@code {name}} for a path parameter and {@code /*} for everything below
     * @param access {@code public}, {@code nobody}, {@code undeclared} or the roles, comma-separated
     */
    public record Operation(String method, String path, String access) {
    }

    private final BundleContext context;
    private final HttpServiceRuntime http;

    public AccessApi(BundleContext context, HttpServiceRuntime http) {
        this.context = context;
        this.http = http;
    }

    @GET
    @Path("access")
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATOR})
    @Produces(MediaType.APPLICATION_JSON)
    public List<Operation> operations() {
        List<Operation> all = new ArrayList<>();
        for (ServletContextDTO web : http.getRuntimeDTO().servletContextDTOs) {
            String root = "/".equals(web.contextPath) ? "" : web.contextPath;
            for (ServletDTO servlet : web.servletDTOs) {
                Object operations = property(servlet.serviceId, DeclaredAccess.OPERATIONS);
                if (operations instanceof String[] lines) {
                    for (String line : lines) {
                        String[] parts = line.split(" ", 3);
                        all.add(new Operation(parts[0], parts[1], parts[2]));
                    }
                } else {
                    served(all, root, servlet.patterns, servlet.serviceId);
                }
            }
            for (ResourceDTO resource : web.resourceDTOs) {
                served(all, root, resource.patterns, resource.serviceId);
            }
        }
        all.sort(Comparator.comparing(Operation::path).thenComparing(Operation::method));
        return all;
    }

    private void served(List<Operation> all, String root, String[] patterns, long serviceId) {
        Object declared = property(serviceId, RestEndpoint.ACCESS);
        String access = declared instanceof String[] roles ? String.join(",", new java.util.TreeSet<>(Arrays.asList(roles)))
                : declared instanceof String one ? one : "undeclared";
        for (String pattern : patterns) {
            String path = root + pattern;
            if (path.startsWith("/switchboard")) {
                all.add(new Operation("*", path, access));
            }
        }
    }

    private Object property(long serviceId, String key) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(service.id=" + serviceId + ")");
            return refs == null || refs.length == 0 ? null : refs[0].getProperty(key);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
