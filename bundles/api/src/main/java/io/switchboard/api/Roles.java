package io.switchboard.api;

import java.util.List;

/**
 * The roles of a contact centre's staff and of the platform's own users, as Karaf's JAAS realm gives
 * them (groups in {@code etc/users.properties}, or LDAP groups through Karaf's LDAP login module).
 * Every JAX-RS resource method declares who may call it with {@code @RolesAllowed} of these, or
 * {@code @PermitAll} ({@code RestEndpoint}); the core's services decide which objects a role reaches
 * ({@link Staff}). {@code docs/access.md} has the table of role × capability.
 */
public final class Roles {

    /** The platform: plugins, route files, users, configuration; every API. */
    public static final String ADMIN = "admin";
    /** Their teams' queues, KPIs and reports, reassigning, the knowledge base. */
    public static final String SUPERVISOR = "supervisor";
    /** The conversations offered or assigned to them and the customers in them. */
    public static final String AGENT = "agent";
    /** Field staff: their own work orders and those work orders' customers' contact details. */
    public static final String FIELD = "field";
    /** Read-only figures: KPIs, queue figures, systems' state; no personal data. */
    public static final String VIEWER = "viewer";
    /** Publishes plugins to the catalog; nothing else. */
    public static final String PUBLISHER = "publisher";
    /** Route files, dead letters, systems' state and business events. */
    public static final String INTEGRATOR = "integrator";

    /** Every role the platform's APIs know, in the order of {@code docs/access.md}. */
    public static final List<String> ALL = List.of(ADMIN, SUPERVISOR, AGENT, FIELD, VIEWER, PUBLISHER, INTEGRATOR);

    private Roles() {
    }

    /**
     * What a user is told when none of their roles is one of {@code allowed}: the detail of the 403
     * problem every endpoint answers, REST or servlet alike.
     */
    public static String refusal(String user, java.util.Collection<String> allowed) {
        return allowed.isEmpty() ? "no one may call this endpoint"
                : "user " + user + " has none of the roles this endpoint requires: " + String.join(", ", new java.util.TreeSet<>(allowed));
    }
}
