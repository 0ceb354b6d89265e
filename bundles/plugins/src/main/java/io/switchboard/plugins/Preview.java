package io.switchboard.plugins;

import java.util.List;

/**
 * What installing (or upgrading to) a plugin version would do, before it is done.
 *
 * @param install   bundle locations the framework does not have yet and would install
 * @param uninstall bundle locations of the installed version that would go (an upgrade)
 * @param refresh   bundles that would be refreshed: always empty, since plugins are installed without
 *                  refreshing anything, and listed so an operator sees it is so
 * @param problems  why it cannot be installed (signature, API range, id taken); empty when it can
 */
public record Preview(PluginDescriptor plugin, String signer, String installedVersion, List<String> install,
                      List<String> uninstall, List<String> refresh, List<String> problems) {
}
