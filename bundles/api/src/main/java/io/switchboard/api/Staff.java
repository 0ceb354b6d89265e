package io.switchboard.api;

import java.util.Set;

/**
 * Who acts: a login and the platform's {@link Roles} it holds, as the REST layer, the desk or the
 * shell knows them. The core's services decide from it which conversations, customers and work
 * orders it reaches, so that every front end applies the same rules.
 */
public record Staff(String user, Set<String> roles) {

    public Staff {
        user = ChannelAddress.requireText(user, "user");
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    /** Sees every conversation, customer and work order: admins and supervisors. */
    public boolean oversees() {
        return roles.contains(Roles.ADMIN) || roles.contains(Roles.SUPERVISOR);
    }

    public boolean has(String role) {
        return roles.contains(role);
    }
}
