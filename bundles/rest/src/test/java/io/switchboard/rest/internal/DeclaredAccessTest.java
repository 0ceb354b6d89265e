package io.switchboard.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.api.Roles;
import java.util.List;
import java.util.Set;
import javax.annotation.security.DenyAll;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import org.junit.jupiter.api.Test;

class DeclaredAccessTest {

    @Path("/orders")
    @RolesAllowed({Roles.AGENT, Roles.SUPERVISOR})
    public static final class Orders {
        @GET
        @Path("{id}")
        public String one() {
            return "";
        }

        @DELETE
        @Path("{id}")
        @RolesAllowed(Roles.ADMIN)
        public void erase() {
        }

        @GET
        @Path("/open/ ")
        @PermitAll
        public String open() {
            return "";
        }

        @POST
        @DenyAll
        public void nobody() {
        }

        public String notAnOperation() {
            return "";
        }
    }

    @Path("x")
    public static final class Forgotten {
        @GET
        public String forgotten() {
            return "";
        }
    }

    @Test
    void aMethodsOwnDeclarationComesBeforeItsClasss() throws Exception {
        assertEquals(new DeclaredAccess(false, Set.of("agent", "supervisor")), DeclaredAccess.of(Orders.class, Orders.class.getMethod("one")));
        assertEquals(new DeclaredAccess(false, Set.of("admin")), DeclaredAccess.of(Orders.class, Orders.class.getMethod("erase")));
        assertEquals(new DeclaredAccess(true, Set.of()), DeclaredAccess.of(Orders.class, Orders.class.getMethod("open")));
        assertEquals(new DeclaredAccess(false, Set.of()), DeclaredAccess.of(Orders.class, Orders.class.getMethod("nobody")));
        assertNull(DeclaredAccess.of(Forgotten.class, Forgotten.class.getMethod("forgotten")), "nothing declared");
    }

    @Test
    void everyOperationIsListedWithItsPathAndWhoMayCallIt() {
        assertEquals(List.of("DELETE /switchboard/api/shop/orders/{id} admin",
                        "GET /switchboard/api/shop/orders/open public",
                        "GET /switchboard/api/shop/orders/{id} agent,supervisor",
                        "GET /switchboard/api/shop/x undeclared",
                        "POST /switchboard/api/shop/orders nobody"),
                DeclaredAccess.operations("/switchboard/api/shop", List.of(new Orders(), new Forgotten(), "not a resource")));
    }

    @Test
    void aRefusalNamesTheRolesThatWouldDo() {
        assertEquals("user li has none of the roles this endpoint requires: admin, supervisor",
                Roles.refusal("li", List.of(Roles.SUPERVISOR, Roles.ADMIN)));
        assertEquals("no one may call this endpoint", Roles.refusal("li", List.of()));
    }
}
