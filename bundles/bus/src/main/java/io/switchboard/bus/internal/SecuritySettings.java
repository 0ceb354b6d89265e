package io.switchboard.bus.internal;

import io.switchboard.bus.BusGrants;
import io.switchboard.bus.BusGrants.Grant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The broker security settings that follow from the plugins' grants: one exact address match per
 * granted address. Artemis takes the most specific match and does not merge it with {@code #}, so each
 * match repeats the platform roles' full rights and lists every plugin granted that address.
 */
final class SecuritySettings {

    /** In the order of ActiveMQServerControl.addSecuritySettings' role arguments. */
    enum Permission {
        send, consume, createDurableQueue, deleteDurableQueue, createNonDurableQueue, deleteNonDurableQueue,
        manage, browse, createAddress, deleteAddress
    }

    /**
     * The roles etc/artemis.xml grants everything on {@code #}: the platform's own users. {@code bus}
     * is the role of the broker's account alone, which no console, JMX ACL or shell accepts.
     */
    static final List<String> PLATFORM_ROLES = List.of("bus", "admin");

    static final Set<Permission> READ = Set.of(Permission.consume, Permission.browse, Permission.createDurableQueue,
            Permission.createAddress);
    static final Set<Permission> WRITE = Set.of(Permission.send, Permission.createAddress, Permission.createDurableQueue);

    private SecuritySettings() {
    }

    /**
     * The addresses plugins read: the broker dead-letters what fails there to {@code DLQ.<address>}
     * itself, after its redeliveries, with the message as it was sent.
     */
    static java.util.SortedSet<String> deadLettered(Map<String, Grant> grants) {
        java.util.SortedSet<String> read = new TreeSet<>();
        grants.values().forEach(grant -> read.addAll(grant.reads()));
        return read;
    }

    /** Address match → permission → roles, for every address some plugin was granted. */
    static Map<String, Map<Permission, SortedSet<String>>> of(Map<String, Grant> grants) {
        Map<String, Map<Permission, SortedSet<String>>> settings = new TreeMap<>();
        grants.forEach((plugin, grant) -> {
            String role = BusGrants.userOf(plugin);
            for (String address : grant.reads()) {
                // never DLQ.<address>: an admin's replay sends its messages on to <address>, which a reader
                // may not write; the broker itself dead-letters what a plugin fails on (deadLettered)
                allow(settings, address, READ, role);
            }
            for (String address : grant.writes()) {
                allow(settings, address, WRITE, role);
            }
        });
        return settings;
    }

    private static void allow(Map<String, Map<Permission, SortedSet<String>>> settings, String address,
            Set<Permission> permissions, String role) {
        Map<Permission, SortedSet<String>> roles = settings.computeIfAbsent(address, a -> platform());
        for (Permission p : permissions) {
            roles.get(p).add(role);
        }
    }

    private static Map<Permission, SortedSet<String>> platform() {
        Map<Permission, SortedSet<String>> roles = new EnumMap<>(Permission.class);
        for (Permission p : Permission.values()) {
            roles.put(p, new TreeSet<>(PLATFORM_ROLES));
        }
        return roles;
    }

    /** The arguments of addSecuritySettings(addressMatch, send, consume, …, deleteAddressRoles). */
    static String[] arguments(String match, Map<Permission, SortedSet<String>> roles) {
        String[] args = new String[Permission.values().length + 1];
        args[0] = match;
        for (Permission p : Permission.values()) {
            args[p.ordinal() + 1] = String.join(",", roles.getOrDefault(p, Collections.emptySortedSet()));
        }
        return args;
    }

    /** An address a plugin may be granted: an exact name, since a wildcard would reach other plugins' addresses. */
    static String checkedAddress(String address) {
        if (address == null || address.isBlank() || !address.equals(address.strip())
                || address.chars().anyMatch(c -> c == '#' || c == '*' || c == ',' || c == '"' || c == '\\'
                        || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("not an exact bus address: '" + address + "'");
        }
        if (address.startsWith("DLQ.") || address.equals("DLQ")) {
            // what is in a DLQ goes back to its address on an admin's replay: a plugin's word must not
            throw new IllegalArgumentException("a plugin may not be granted a dead-letter queue: '" + address + "'");
        }
        return address;
    }
}
