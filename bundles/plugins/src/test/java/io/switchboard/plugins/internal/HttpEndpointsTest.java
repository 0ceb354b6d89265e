package io.switchboard.plugins.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.runtime.dto.RequestInfoDTO;
import org.osgi.service.http.runtime.dto.RuntimeDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;
import org.osgi.service.http.runtime.dto.ServletDTO;
import org.junit.jupiter.api.Test;

/** A plugin is served once the HTTP runtime shows every servlet its bundles registered. */
class HttpEndpointsTest {

    static ServiceReference<?> service(long id, String name, String... objectClass) {
        Map<String, Object> props = Map.of(Constants.SERVICE_ID, id, Constants.OBJECTCLASS, objectClass,
                "osgi.http.whiteboard.servlet.name", name);
        return (ServiceReference<?>) Proxy.newProxyInstance(HttpEndpointsTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) ->
                        method.getName().equals("getProperty") ? props.get((String) args[0]) : null);
    }

    static Bundle bundle(ServiceReference<?>... registered) {
        return (Bundle) Proxy.newProxyInstance(HttpEndpointsTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> method.getName().equals("getRegisteredServices") ? registered : null);
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

    final Bundle plugin = bundle(service(41, "switchboard-api-acme", "javax.servlet.Servlet"),
            service(42, "not a servlet", "io.switchboard.bot.BotSkill"));

    @Test
    void aServletRegisteredButNotYetDeployedIsPending() {
        assertEquals(List.of("switchboard-api-acme is not served yet"), new HttpEndpoints(serving(7)).pending(List.of(plugin)));
        assertEquals(List.of("switchboard-api-acme is not served yet"), new HttpEndpoints(serving()).pending(List.of(plugin)));
    }

    @Test
    void aDeployedServletIsServed() {
        assertEquals(List.of(), new HttpEndpoints(serving(7, 41)).pending(List.of(plugin)));
    }

    @Test
    void aPluginWithoutServletsWaitsForNone() {
        assertEquals(List.of(), new HttpEndpoints(serving()).pending(List.of(bundle(service(42, "skill", "io.switchboard.bot.BotSkill")), bundle())));
    }
}
