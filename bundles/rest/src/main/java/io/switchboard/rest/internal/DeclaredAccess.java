package io.switchboard.rest.internal;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.security.DenyAll;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.HttpMethod;
import javax.ws.rs.Path;

/**
 * Who a resource method says may call it: {@code @PermitAll} (anyone), {@code @RolesAllowed} (a
 * user with one of those roles), {@code @DenyAll} (nobody); the method's own annotation before its
 * class's, as JSR-250 has it. A method that declares nothing, on itself or its class, is undeclared,
 * and {@link RealmLogin} refuses it to everyone, so that a forgotten declaration shows up at once
 * instead of as an endpoint open to any login.
 *
 * @param open  anyone may call it, without credentials
 * @param roles the roles that may call it when not open; empty for nobody
 */
public record DeclaredAccess(boolean open, Set<String> roles) {

    /** Service property of a REST endpoint's servlet: its {@link #operations}, which the access listing shows. */
    public static final String OPERATIONS = "switchboard.access.operations";

    /** What {@code method} of {@code resourceClass} declares, or null if it declares nothing. */
    public static DeclaredAccess of(Class<?> resourceClass, Method method) {
        DeclaredAccess own = declared(method.getAnnotation(PermitAll.class), method.getAnnotation(RolesAllowed.class),
                method.getAnnotation(DenyAll.class));
        return own != null ? own : declared(resourceClass.getAnnotation(PermitAll.class),
                resourceClass.getAnnotation(RolesAllowed.class), resourceClass.getAnnotation(DenyAll.class));
    }

    private static DeclaredAccess declared(PermitAll permit, RolesAllowed roles, DenyAll deny) {
        if (deny != null) {
            return new DeclaredAccess(false, Set.of());
        }
        if (roles != null) {
            return new DeclaredAccess(false, Set.copyOf(List.of(roles.value())));
        }
        return permit != null ? new DeclaredAccess(true, Set.of()) : null;
    }

    /**
     * Every operation the {@code resources} serve under {@code prefix}, one line each:
     * {@code GET /switchboard/api/customers/{id} admin,agent,supervisor}, with {@code public} or
     * {@code undeclared} for the roles where that is what the method declares.
     */
    public static List<String> operations(String prefix, Collection<?> resources) {
        List<String> lines = new ArrayList<>();
        for (Object resource : resources) {
            Class<?> type = resource.getClass();
            Path classPath = type.getAnnotation(Path.class);
            if (classPath == null) {
                continue;
            }
            for (Method method : type.getMethods()) {
                String verb = verb(method);
                if (verb == null) {
                    continue;
                }
                Path methodPath = method.getAnnotation(Path.class);
                String path = join(prefix, classPath.value(), methodPath == null ? "" : methodPath.value());
                DeclaredAccess access = of(type, method);
                lines.add(verb + " " + path + " " + (access == null ? "undeclared" : access.describe()));
            }
        }
        lines.sort(null);
        return lines;
    }

    /** {@code public}, {@code nobody} or the roles, comma-separated and sorted. */
    public String describe() {
        return open ? "public" : roles.isEmpty() ? "nobody" : String.join(",", new TreeSet<>(roles));
    }

    private static String verb(Method method) {
        for (var annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    static String join(String... parts) {
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            // a template's spaces ({path: .*}) go, so that a listed line splits on its spaces
            for (String segment : part.replace(" ", "").split("/")) {
                if (!segment.isEmpty()) {
                    path.append('/').append(segment);
                }
            }
        }
        return path.length() == 0 ? "/" : path.toString();
    }
}
