package io.switchboard.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.runtime.dto.RequestInfoDTO;
import org.osgi.service.http.runtime.dto.RuntimeDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;
import org.osgi.service.http.runtime.dto.ServletDTO;

/** Bundles serve once they are active, their components satisfied and running with their configuration, their servlets deployed. */
class ReadinessTest {

    static ServiceReference<?> service(long id, String name, String... objectClass) {
        Map<String, Object> props = Map.of(Constants.SERVICE_ID, id, Constants.OBJECTCLASS, objectClass,
                "osgi.http.whiteboard.servlet.name", name);
        return (ServiceReference<?>) Proxy.newProxyInstance(ReadinessTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) ->
                        method.getName().equals("getProperty") ? props.get((String) args[0]) : null);
    }

    static Bundle bundle(String name, int state, Map<String, String> headers, ServiceReference<?>... registered) {
        return (Bundle) Proxy.newProxyInstance(ReadinessTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRegisteredServices" -> registered;
                    case "getState" -> state;
                    case "getSymbolicName" -> name;
                    case "getHeaders" -> new Hashtable<>(headers);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    static Bundle active(ServiceReference<?>... registered) {
        return bundle("com.example.acme", Bundle.ACTIVE, Map.of(), registered);
    }

    static HttpServiceRuntime serving(long... servletServiceIds) {
        ServletContextDTO context = new ServletContextDTO();
        context.servletDTOs = java.util.Arrays.stream(servletServiceIds).mapToObj(id -> {
            ServletDTO servlet = new ServletDTO();
            servlet.serviceId = id;
            return servlet;
        }).toArray(ServletDTO[]::new);
        RuntimeDTO runtime = new RuntimeDTO();
        runtime.servletContextDTOs = new ServletContextDTO[] {context};
        return new HttpServiceRuntime() {
            @Override
            public RuntimeDTO getRuntimeDTO() {
                return runtime;
            }

            @Override
            public RequestInfoDTO calculateRequestInfoDTO(String path) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** SCR running one component, {@code com.example.acme.Channel} with pid {@code com.example.acme}, as {@code state} with {@code properties}. */
    static ServiceComponentRuntime scr(int state, Map<String, Object> properties) {
        return scr(state, properties, false);
    }

    static ServiceComponentRuntime scr(int state, Map<String, Object> properties, boolean immediate) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.immediate = immediate;
        description.name = "com.example.acme.Channel";
        description.configurationPid = new String[] {"com.example.acme"};
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.state = state;
        configuration.properties = properties;
        configuration.failure = "java.lang.IllegalStateException: no port";
        return (ServiceComponentRuntime) Proxy.newProxyInstance(ReadinessTest.class.getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getComponentDescriptionDTOs" -> List.of(description);
                    case "isComponentEnabled" -> true;
                    case "getComponentConfigurationDTOs" -> List.of(configuration);
                    default -> null;
                });
    }

    static final ServiceComponentRuntime RUNNING = scr(ComponentConfigurationDTO.ACTIVE, Map.of("port", 8080));

    static Readiness readiness(ServiceComponentRuntime scr, HttpServiceRuntime http) {
        return new Readiness(scr, http, pid -> Optional.empty());
    }

    final Bundle plugin = active(service(41, "switchboard-api-acme", "javax.servlet.Servlet"),
            service(42, "not a servlet", "io.switchboard.bot.BotSkill"));

    @Test
    void aServletRegisteredButNotYetDeployedIsPending() {
        assertEquals(List.of("switchboard-api-acme is not served yet"), readiness(RUNNING, serving(7)).pending(List.of(plugin)));
        assertEquals(List.of("switchboard-api-acme is not served yet"), readiness(RUNNING, serving()).pending(List.of(plugin)));
    }

    @Test
    void aDeployedServletIsServed() {
        assertEquals(List.of(), readiness(RUNNING, serving(7, 41)).pending(List.of(plugin)));
    }

    @Test
    void bundlesWithoutServletsWaitForNone() {
        assertEquals(List.of(), readiness(RUNNING, serving()).pending(List.of(active(service(42, "skill", "io.switchboard.bot.BotSkill")), active())));
    }

    @Test
    void aBundleNotYetActiveIsPendingButAFragmentNeverIs() {
        Bundle starting = bundle("com.example.acme", Bundle.STARTING, Map.of());
        Bundle fragment = bundle("com.example.acme.nls", Bundle.RESOLVED, Map.of(Constants.FRAGMENT_HOST, "com.example.acme"));
        assertEquals(List.of("com.example.acme is not active"), readiness(RUNNING, serving()).pending(List.of(starting, fragment)));
        assertEquals(List.of(), readiness(RUNNING, serving()).pending(List.of(fragment)));
    }

    @Test
    void aComponentWaitingForAServiceOrFailedIsPending() {
        assertEquals(List.of("com.example.acme.Channel waits for a service"),
                readiness(scr(ComponentConfigurationDTO.UNSATISFIED_REFERENCE, Map.of()), serving()).pending(List.of(active())));
        assertEquals(List.of("com.example.acme.Channel failed to activate: java.lang.IllegalStateException: no port"),
                readiness(scr(ComponentConfigurationDTO.FAILED_ACTIVATION, Map.of()), serving()).pending(List.of(active())));
    }

    /** SCR reports an immediate component SATISFIED while its constructor runs, with its endpoints not yet registered. */
    @Test
    void anImmediateComponentIsPendingUntilActiveButADelayedOneServesWhenSatisfied() {
        assertEquals(List.of("com.example.acme.Channel is starting"),
                readiness(scr(ComponentConfigurationDTO.SATISFIED, Map.of(), true), serving()).pending(List.of(active())));
        assertEquals(List.of(), readiness(scr(ComponentConfigurationDTO.ACTIVE, Map.of(), true), serving()).pending(List.of(active())));
        assertEquals(List.of(), readiness(scr(ComponentConfigurationDTO.SATISFIED, Map.of(), false), serving()).pending(List.of(active())));
    }

    @Test
    void aComponentIsPendingUntilItRunsWithTheValuesConfigAdminHolds() {
        Readiness wantsPort9090 = new Readiness(RUNNING, serving(),
                pid -> pid.equals("com.example.acme") ? Optional.of(Map.of("port", "9090")) : Optional.empty());
        assertEquals(List.of("com.example.acme.Channel is not yet running with configuration com.example.acme"),
                wantsPort9090.pending(List.of(active())));
        Readiness wantsPort8080 = new Readiness(RUNNING, serving(), pid -> Optional.of(Map.of("port", "8080")));
        assertEquals(List.of(), wantsPort8080.pending(List.of(active())));
    }
}
