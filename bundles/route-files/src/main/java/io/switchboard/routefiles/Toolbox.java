package io.switchboard.routefiles;

import java.util.List;

/**
 * What a route file can use on this server: the Camel components, languages and data formats whose
 * bundles run, and the Kamelets it can name.
 *
 * @param items     what is there, by kind and name
 * @param available the component features in the distribution that are not installed (what
 *                  {@code feature:install} would add)
 */
public record Toolbox(List<Item> items, List<String> available) {

    public enum Kind { COMPONENT, LANGUAGE, DATAFORMAT, KAMELET }

    /**
     * @param kind        component, language, data format or Kamelet
     * @param name        as a route file writes it ({@code http}, {@code jsonpath}, {@code csv}, {@code log-sink})
     * @param title       Camel's title for it
     * @param description Camel's one-line description
     * @param syntax      an endpoint's syntax ({@code http://httpUri}), null for the other kinds
     * @param source      the bundle that brings it, or the Kamelet's file in {@code deploy/}
     * @param options     its endpoint options, or a Kamelet's parameters
     */
    public record Item(Kind kind, String name, String title, String description, String syntax, String source,
                       List<Option> options) {
    }

    /**
     * @param name         as written in a URI or a parameters block
     * @param kind         {@code path} or {@code parameter} for endpoints; {@code parameter} for Kamelets
     * @param type         {@code string}, {@code integer}, {@code boolean}, {@code duration}, {@code object}, …
     * @param required     whether it must be given
     * @param defaultValue what it is when not given, or null
     * @param description  Camel's or the Kamelet's description
     */
    public record Option(String name, String kind, String type, boolean required, String defaultValue, String description) {
    }
}
