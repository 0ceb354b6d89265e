package io.switchboard.rest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.runtime.dto.RuntimeDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;

/**
 * Whether bundles serve, as the framework, SCR and the HTTP runtime see them: the one judge for the
 * server's health (a load balancer's readiness probe) and for a plugin's install (which answers only
 * once the plugin serves).
 *
 * <p>Each step of a bundle's start leaves a moment in which it does not serve yet. A started bundle's
 * components wait for services (the bus is registered only once the broker answers); a configuration set
 * in Config Admin reaches a running component a moment later, by deactivating and activating it again;
 * a servlet registered through the whiteboard is deployed by Pax Web on a thread of its own, its path
 * answering 404 until then. Bundles are ready once every one is active, every component of theirs is
 * satisfied (an immediate one activated, running with the values Config Admin holds for it, where the caller asks for that), and
 * every servlet they registered is in the HTTP runtime's own picture.
 */
public final class Readiness {

    private static final String SERVLET = "javax.servlet.Servlet";

    private final ServiceComponentRuntime scr;
    private final HttpServiceRuntime http;
    private final Function<String, Optional<Map<String, Object>>> configurations;

    /**
     * @param configurations a PID's values in Config Admin now, without Config Admin's own keys; a
     *                       component is then ready only once it runs with them. {@code pid -> Optional.empty()}
     *                       waits for no values.
     */
    public Readiness(ServiceComponentRuntime scr, HttpServiceRuntime http,
                     Function<String, Optional<Map<String, Object>>> configurations) {
        this.scr = scr;
        this.http = http;
        this.configurations = configurations;
    }

    /** What keeps {@code bundles} from serving, one line each; empty when nothing does. */
    public List<String> pending(Collection<Bundle> bundles) {
        List<String> pending = new ArrayList<>();
        for (Bundle bundle : bundles) {
            if (bundle.getState() != Bundle.ACTIVE && !isFragment(bundle)) {
                pending.add(bundle.getSymbolicName() + " is not active");
            }
        }
        if (!pending.isEmpty()) {
            return pending;
        }
        pending.addAll(components(bundles));
        pending.addAll(servlets(bundles));
        return pending;
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    List<String> components(Collection<Bundle> bundles) {
        List<String> pending = new ArrayList<>();
        for (Bundle bundle : bundles) {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                if (!scr.isComponentEnabled(description)) {
                    continue;
                }
                // a component waiting for a configuration nobody gave is not waited for: only one Config Admin has
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(description)) {
                    if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE || c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        pending.add(description.name + (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION
                                ? " failed to activate: " + c.failure : " waits for a service"));
                        continue;
                    }
                    // an immediate component is SATISFIED only while SCR activates it: its constructor runs (a
                    // channel migrates its tables, starts its routes, then registers its endpoints one by one);
                    // a delayed one stays SATISFIED until first used, and serves
                    if (c.state == ComponentConfigurationDTO.SATISFIED && description.immediate) {
                        pending.add(description.name + " is starting");
                        continue;
                    }
                    for (String pid : description.configurationPid) {
                        Map<String, String> wanted = values(pid);
                        if (!wanted.isEmpty() && !runsWith(c.properties, wanted)) {
                            pending.add(description.name + " is not yet running with configuration " + pid);
                        }
                    }
                }
            }
        }
        return pending;
    }

    /** The servlets of {@code bundles} not served yet, by name; empty when all are. */
    List<String> servlets(Collection<Bundle> bundles) {
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
        Set<Long> served = served(http.getRuntimeDTO());
        return registered.stream().filter(r -> !served.contains((Long) r.getProperty(Constants.SERVICE_ID)))
                .map(r -> r.getProperty("osgi.http.whiteboard.servlet.name") + " is not served yet").toList();
    }

    private static Set<Long> served(RuntimeDTO dto) {
        if (dto == null || dto.servletContextDTOs == null) {
            return Set.of();
        }
        return Arrays.stream(dto.servletContextDTOs).filter(c -> c.servletDTOs != null)
                .flatMap((ServletContextDTO c) -> Arrays.stream(c.servletDTOs)).map(s -> s.serviceId).collect(Collectors.toSet());
    }

    private static boolean runsWith(Map<String, Object> properties, Map<String, String> wanted) {
        return wanted.entrySet().stream().allMatch(e -> {
            Object value = properties.get(e.getKey());
            return value != null && String.valueOf(value).equals(e.getValue());
        });
    }

    /** The plain values of a configuration (not lists: a component sees those converted); empty if none. */
    private Map<String, String> values(String pid) {
        Map<String, String> values = new TreeMap<>();
        configurations.apply(pid).ifPresent(all -> all.forEach((k, v) -> {
            if (v != null && !v.getClass().isArray() && !(v instanceof Collection)) {
                values.put(k, String.valueOf(v));
            }
        }));
        return values;
    }
}
