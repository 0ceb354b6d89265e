package io.switchboard.bus.internal;

import static io.switchboard.bus.internal.SecuritySettings.Permission.browse;
import static io.switchboard.bus.internal.SecuritySettings.Permission.consume;
import static io.switchboard.bus.internal.SecuritySettings.Permission.createAddress;
import static io.switchboard.bus.internal.SecuritySettings.Permission.createDurableQueue;
import static io.switchboard.bus.internal.SecuritySettings.Permission.deleteAddress;
import static io.switchboard.bus.internal.SecuritySettings.Permission.manage;
import static io.switchboard.bus.internal.SecuritySettings.Permission.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.bus.BusGrants.Grant;
import io.switchboard.bus.internal.SecuritySettings.Permission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;

class SecuritySettingsTest {

    @Test
    void aReaderConsumesAndBrowsesItsAddressAndNothingElse() {
        var settings = SecuritySettings.of(Map.of("probe", new Grant(Set.of("sb.outbound.probe"), Set.of("sb.inbound"))));
        assertEquals(Set.of("sb.outbound.probe", "sb.inbound"), settings.keySet(), "no DLQ: the broker dead-letters a reader's failures");
        assertEquals(Set.of("sb.outbound.probe"), SecuritySettings.deadLettered(Map.of("probe",
                new Grant(Set.of("sb.outbound.probe"), Set.of("sb.inbound")))));

        Map<Permission, SortedSet<String>> read = settings.get("sb.outbound.probe");
        for (Permission p : Set.of(consume, browse, createDurableQueue, createAddress)) {
            assertEquals(Set.of("bus", "admin", "plugin.probe"), read.get(p), p.name());
        }
        assertEquals(Set.of("bus", "admin"), read.get(send), "a reader may not send to what it reads");

        Map<Permission, SortedSet<String>> write = settings.get("sb.inbound");
        assertTrue(write.get(send).contains("plugin.probe"));
        assertEquals(Set.of("bus", "admin"), write.get(consume), "a writer may not consume what it writes");
        assertEquals(Set.of("bus", "admin"), write.get(browse));

    }

    @Test
    void noPluginIsGrantedADeadLetterQueue() {
        for (String dlq : List.of("DLQ.sb.outbound.probe", "DLQ", "sb.\"quoted")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SecuritySettings.checkedAddress(dlq));
            assertTrue(refused.getMessage().contains("dead-letter queue") || refused.getMessage().contains("not an exact bus address"),
                    refused.getMessage());
        }
        assertEquals("sb.DLQ.like", SecuritySettings.checkedAddress("sb.DLQ.like"));
    }

    @Test
    void thePlatformRolesKeepEveryRightOnEveryGrantedAddress() {
        var settings = SecuritySettings.of(Map.of("probe", new Grant(Set.of("a.b"), Set.of("c.d"))));
        settings.values().forEach(roles -> {
            for (Permission p : Permission.values()) {
                assertTrue(roles.get(p).containsAll(Set.of("bus", "admin")), p.name());
            }
            for (Permission p : Set.of(manage, deleteAddress)) {
                assertEquals(Set.of("bus", "admin"), roles.get(p), "a plugin never manages or deletes: " + p);
            }
        });
    }

    @Test
    void pluginsGrantedTheSameAddressAreMerged() {
        var settings = SecuritySettings.of(Map.of(
                "sms", new Grant(Set.of("sb.outbound.sms"), Set.of("sb.inbound")),
                "mail", new Grant(Set.of("sb.outbound.mail"), Set.of("sb.inbound")),
                "audit", new Grant(Set.of("sb.inbound"), Set.of())));
        Map<Permission, SortedSet<String>> inbound = settings.get("sb.inbound");
        assertEquals(Set.of("bus", "admin", "plugin.sms", "plugin.mail"), inbound.get(send));
        assertEquals(Set.of("bus", "admin", "plugin.audit"), inbound.get(consume));
        assertEquals(Set.of("bus", "admin", "plugin.audit", "plugin.mail", "plugin.sms"), inbound.get(createAddress));
        assertEquals(Set.of("bus", "admin"), settings.get("sb.outbound.sms").get(send));
    }

    @Test
    void noGrantsNoSettings() {
        assertTrue(SecuritySettings.of(Map.of()).isEmpty());
        assertTrue(SecuritySettings.of(Map.of("idle", new Grant(Set.of(), Set.of()))).isEmpty());
    }

    @Test
    void theArgumentsFollowTheManagementOperationsOrder() {
        var settings = SecuritySettings.of(Map.of("probe", new Grant(Set.of(), Set.of("sb.inbound"))));
        String[] args = SecuritySettings.arguments("sb.inbound", settings.get("sb.inbound"));
        // addressMatch, send, consume, createDurableQueue, deleteDurableQueue, createNonDurableQueue,
        // deleteNonDurableQueue, manage, browse, createAddress, deleteAddress
        assertArrayEquals(new String[] {"sb.inbound", "admin,bus,plugin.probe", "admin,bus", "admin,bus,plugin.probe",
                "admin,bus", "admin,bus", "admin,bus", "admin,bus", "admin,bus", "admin,bus,plugin.probe",
                "admin,bus"}, args);
    }

    @Test
    void onlyExactAddressesCanBeGranted() {
        for (String bad : new String[] {"#", "sb.#", "sb.*.x", "", " ", "a,b", " sb.inbound", "sb inbound", null}) {
            assertThrows(IllegalArgumentException.class, () -> SecuritySettings.checkedAddress(bad), String.valueOf(bad));
        }
        assertEquals("sb.outbound.acme", SecuritySettings.checkedAddress("sb.outbound.acme"));
    }
}
