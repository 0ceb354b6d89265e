package io.switchboard.plugins.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.runtime.dto.RuntimeDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;

/**
 * A plugin's HTTP endpoints, as the HTTP server serves them. A servlet registered through the whiteboard
 * is deployed by Pax Web on a thread of its own a moment later; until then its path answers 404. A plugin
 * is ready once every servlet its bundles registered is in the HTTP runtime's own picture.
 */
final class HttpEndpoints {

    private static final String SERVLET = "javax.servlet.Servlet";

    private final HttpServiceRuntime runtime;

    HttpEndpoints(HttpServiceRuntime runtime) {
        this.runtime = runtime;
    }

    /** The servlets of {@code bundles} not served yet, by name; empty when all are. */
    List<String> pending(Collection<Bundle> bundles) {
        List<ServiceReference<?>> registered = new ArrayList<>();
        for (Bundle bundle : bundles) {
            ServiceReference<?>[] refs = bundle.getRegisteredServices();
            if (refs != null) {
                Arrays.stream(refs).filter(r -> Arrays.asList((String[]) r.getProperty(Constants.OBJECTCLASS)).contains(SERVLET))
                        .forEach(registered::add);
            }
        }
        if (registered.isEmpty()) {
            return List.of();
        }
        Set<Long> served = served(runtime.getRuntimeDTO());
        return registered.stream().filter(r -> !served.contains((Long) r.getProperty(Constants.SERVICE_ID)))
                .map(r -> String.valueOf(r.getProperty("osgi.http.whiteboard.servlet.name")) + " is not served yet").toList();
    }

    private static Set<Long> served(RuntimeDTO dto) {
        if (dto == null || dto.servletContextDTOs == null) {
            return Set.of();
        }
        return Arrays.stream(dto.servletContextDTOs).filter(c -> c.servletDTOs != null)
                .flatMap((ServletContextDTO c) -> Arrays.stream(c.servletDTOs)).map(s -> s.serviceId).collect(Collectors.toSet());
    }
}
