# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Networks whose driver is a third-party plugin: the driver behind plugin_networks.

Private to this collection. Unlike the built-in drivers, the driver is chosen per network, so it is
a field of each network (``driver``), checked against what the host offers before anything changes:
a managed plugin must be installed and enabled, and it is named with its tag (Docker 20.10 resolves
``my-driver:latest`` but not ``my-driver``); a legacy plugin is found by its socket or spec file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver, TopLevelField
from ansible_collections.fleetnet.docker.plugins.module_utils._plugins import interface_type, plugin_name

# Drivers built into Docker, each with the module that manages its networks (None: predefined only).
BUILTIN_DRIVERS = dict(bridge='bridge_networks', overlay='overlay_networks', macvlan='macvlan_networks',
                       ipvlan='ipvlan_networks', host=None, null=None, none=None)
BUILTIN_IPAM_DRIVERS = ('default', 'null')
# Plugin capabilities (the middle of an interface type such as "docker.networkdriver/1.0") in words.
CAPABILITY_WORDS = dict(networkdriver='network driver', ipamdriver='IPAM driver')

# Where Docker looks for legacy (not managed) plugins: sockets, and spec files naming an address.
LEGACY_PLUGIN_PATTERNS = ('/run/docker/plugins/*.sock', '/run/docker/plugins/*/*.sock',
                          '/etc/docker/plugins/*.spec', '/etc/docker/plugins/*.json',
                          '/usr/lib/docker/plugins/*.spec', '/usr/lib/docker/plugins/*.json')


def legacy_plugin_names(patterns=LEGACY_PLUGIN_PATTERNS):
    """Names of the legacy plugins this host offers (their socket or spec file's base name)."""
    names = set()
    for pattern in patterns:
        for path in glob.glob(pattern):
            name = os.path.splitext(os.path.basename(path))[0]
            # Docker finds /run/docker/plugins/NAME/NAME.sock, not other sockets in such a folder
            # (a managed plugin's own socket lives in a folder named by its ID).
            if pattern.endswith('/*/*.sock') and os.path.basename(os.path.dirname(path)) != name:
                continue
            names.add(name)
    return sorted(names)


def _capabilities(plugin):
    types = (((plugin.get('Config') or {}).get('Interface') or {}).get('Types')) or []
    # "docker.networkdriver/1.0" -> "networkdriver"
    return set(interface_type(item).split('.', 1)[-1].split('/', 1)[0] for item in types)


def _provides(plugin):
    return ', '.join(CAPABILITY_WORDS.get(name, name) for name in sorted(_capabilities(plugin))) or 'nothing'


def ready_name(wanted, ready_drivers):
    """The name under which the daemon already offers ``wanted`` as a network driver, or None."""
    for name in (wanted, plugin_name(wanted)):
        if name in (ready_drivers or ()):
            return name
    return None


def resolve_plugin(wanted, capability, ready_drivers, plugins, legacy_names):
    """(name to use, None) or (None, reason) for a network or IPAM driver ``wanted`` on this host.

    ``ready_drivers``: network drivers the daemon offers now (``Plugins.Network`` of GET /info), or
    None when not known (IPAM drivers); ``plugins``: GET /plugins; ``legacy_names``: see above.
    """
    ready = ready_name(wanted, ready_drivers)
    if ready:
        return ready, None
    tagged = plugin_name(wanted)
    managed = dict((plugin.get('Name'), plugin) for plugin in plugins or [])
    plugin = managed.get(tagged) or managed.get(wanted)
    if plugin is not None:
        if capability not in _capabilities(plugin):
            return None, ('"%s" names the plugin %s, which is not a %s (it provides: %s)'
                          % (wanted, plugin['Name'], CAPABILITY_WORDS[capability], _provides(plugin)))
        if not plugin.get('Enabled'):
            return None, ('"%s" names the plugin %s, which is installed but disabled; enable it first '
                          '(fleetnet.docker.network_plugins with enabled: true)' % (wanted, plugin['Name']))
        return plugin['Name'], None
    if wanted in legacy_names:
        return wanted, None
    return None, '"%s" is not installed on this host; %s' % (wanted, _offered(capability, ready_drivers, plugins, legacy_names))


def _offered(capability, ready_drivers, plugins, legacy_names):
    """What the host does offer, for an error message."""
    parts = []
    if ready_drivers is not None:
        third_party = [name for name in ready_drivers if name not in BUILTIN_DRIVERS]
        parts.append('enabled network plugins: %s' % (', '.join(sorted(third_party)) or 'none'))
    installed = ['%s (%s%s)' % (plugin.get('Name'), 'enabled' if plugin.get('Enabled') else 'disabled',
                                '' if capability in _capabilities(plugin) else ', not a %s' % CAPABILITY_WORDS[capability])
                 for plugin in sorted(plugins or [], key=lambda plugin: plugin.get('Name') or '')]
    parts.append('installed managed plugins: %s' % (', '.join(installed) or 'none'))
    parts.append('legacy plugins: %s' % (', '.join(legacy_names) or 'none'))
    return '; '.join(parts)


class HostPlugins:
    """What the host offers, read once per run and only as far as needed."""

    def __init__(self, client, legacy_names=legacy_plugin_names):
        self.client = client
        self._info = None
        self._plugins = None
        self._legacy = None
        self._read_legacy = legacy_names

    def ready_drivers(self):
        if self._info is None:
            self._info = self.client.info()
        return list(((self._info.get('Plugins') or {}).get('Network')) or [])

    def plugins(self):
        if self._plugins is None:
            self._plugins = self.client.list_plugins()
        return self._plugins

    def legacy(self):
        if self._legacy is None:
            self._legacy = self._read_legacy()
        return self._legacy

    def resolve(self, wanted, capability):
        ready = self.ready_drivers() if capability == 'networkdriver' else None
        # The common case answers from GET /info alone, without listing plugins or plugin folders.
        name = ready_name(wanted, ready)
        if name:
            return name, None
        return resolve_plugin(wanted, capability, ready, self.plugins(), self.legacy())


class PluginDriver(Driver):
    label = 'networks on plugin drivers'
    fields = dict(
        driver=TopLevelField('Driver', default=None, kind='str'),
        # The plugin reports its scope (local or global) and Docker uses it when none is given.
        scope=TopLevelField('Scope', default=None, kind='str', choices=('local', 'global', 'swarm')),
        ipam_driver=TopLevelField(('IPAM', 'Driver'), default='default', kind='str'),
        ipam_options=TopLevelField(('IPAM', 'Options'), default={}, kind='dict'),
    )
    # What a plugin does with the host's routes is its own business; overlaps with the host's other
    # Docker networks are still checked (for the default IPAM).
    check_host_overlap = False

    def manages(self, network):
        """A network belongs to plugin_networks when its driver is not one of Docker's own.

        Config-only networks carry the driver "null", so they stay with the macvlan/ipvlan modules.
        """
        return network.get('Driver') not in BUILTIN_DRIVERS and not network.get('ConfigOnly')

    def item_problems(self, config):
        problems = []
        driver = config.get('driver')
        if not driver:
            problems.append(('driver', 'is required: the network plugin, e.g. weave or my-driver:latest'))
        elif driver in BUILTIN_DRIVERS:
            module = BUILTIN_DRIVERS[driver]
            if module:
                problems.append(('driver', '"%s" is built into Docker, not a plugin; use fleetnet.docker.%s' % (driver, module)))
            else:
                problems.append(('driver', '"%s" is the driver of a predefined network; no network can be created with it'
                                 % driver))
        return problems

    def resolve_desired(self, client, desired_configs):
        """Checks every network's driver and IPAM driver against the host; writes the names Docker uses."""
        host = HostPlugins(client)
        problems = []
        for config in desired_configs:
            if config.get('driver') and config['driver'] not in BUILTIN_DRIVERS:
                resolved, reason = host.resolve(config['driver'], 'networkdriver')
                if reason:
                    problems.append((config['name'], 'driver', reason))
                else:
                    config['driver'] = resolved
            ipam_driver = config.get('ipam_driver')
            if ipam_driver and ipam_driver not in BUILTIN_IPAM_DRIVERS:
                resolved, reason = host.resolve(ipam_driver, 'ipamdriver')
                if reason:
                    problems.append((config['name'], 'ipam_driver', reason))
                else:
                    config['ipam_driver'] = resolved
        return problems
