package io.switchboard.routefiles.internal;

import io.switchboard.routefiles.Toolbox;
import java.util.List;
import java.util.Optional;

/** Which optional feature of the distribution brings a component, language or data format. */
interface ComponentFeatures {

    /** The feature whose bundles provide {@code name} of {@code kind}, installed or not. */
    Optional<String> featureFor(Toolbox.Kind kind, String name);

    /** The component features not installed. */
    List<String> available();

    /** For a server without the features service (tests): nothing is known. */
    ComponentFeatures NONE = new ComponentFeatures() {
        @Override
        public Optional<String> featureFor(Toolbox.Kind kind, String name) {
            return Optional.empty();
        }

        @Override
        public List<String> available() {
            return List.of();
        }
    };
}
