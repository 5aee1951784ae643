# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Managed Docker plugins on one host: the logic behind the network_plugins module.

Private to this collection. The pure functions (names, settings, privileges, which networks use
a plugin) are unit tested; PluginRunner plans the steps for one plugin and applies them unless in
check mode.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import bz2
import gzip
import lzma
import os
import tarfile

from ansible_collections.fleetnet.docker.plugins.module_utils._client import DockerClient, NotFound
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

DEFAULT_REGISTRY = 'docker.io'


def plugin_name(name):
    """The name Docker stores for a plugin: a missing tag means ``latest``.

    A colon before the last slash belongs to a registry port, not to a tag.
    """
    if '@' in name:
        return name
    last = name.rsplit('/', 1)[-1]
    return name if ':' in last else name + ':latest'


def normalize_reference(reference):
    """A registry reference as Docker reports it in PluginReference (registry, namespace, tag)."""
    reference = plugin_name(reference)
    parts = reference.split('/')
    first = parts[0]
    if len(parts) == 1 or ('.' not in first and ':' not in first and first != 'localhost'):
        if len(parts) == 1:
            parts = ['library'] + parts
        parts = [DEFAULT_REGISTRY] + parts
    return '/'.join(parts)


def parse_settings(settings):
    """KEY=VALUE strings to a dict; returns (dict, errors). Later duplicates win, like `docker plugin set`."""
    parsed, errors = {}, []
    for item in settings or []:
        key, separator, value = item.partition('=')
        key = key.strip()
        if not separator or not key or ' ' in key:
            errors.append('"%s" is not KEY=VALUE' % item)
            continue
        parsed[key] = value
    return parsed, errors


def current_settings(plugin):
    """Settable values of an installed plugin, keyed the way `docker plugin set` names them.

    Environment variables by name, mounts as NAME.source, devices as NAME.path, and the
    arguments as ``args`` (space separated), so that a gathered list can be fed back as is.
    """
    settings = plugin.get('Settings') or {}
    values = {}
    for entry in settings.get('Env') or []:
        key, _separator, value = entry.partition('=')
        values[key] = value
    for mount in settings.get('Mounts') or []:
        if mount.get('Name'):
            values['%s.source' % mount['Name']] = mount.get('Source') or ''
    for device in settings.get('Devices') or []:
        if device.get('Name'):
            values['%s.path' % device['Name']] = device.get('Path') or ''
    if settings.get('Args'):
        values['args'] = ' '.join(settings['Args'])
    return values


def settings_to_list(values):
    return ['%s=%s' % (key, values[key]) for key in sorted(values)]


def settings_changes(desired, current):
    """Only the given keys are compared: a setting not given never causes a change."""
    return dict((key, value) for key, value in desired.items() if current.get(key) != value)


def unknown_settings(desired, current):
    return sorted(key for key in desired if key not in current)


def missing_privileges(required, granted):
    """Privileges the plugin asks for that the user did not accept, as readable strings.

    ``required`` is the Engine's list ({Name, Description, Value}); ``granted`` the module's
    option ({name, value}). Every value of every privilege must be accepted: accepting
    ``capabilities: [CAP_NET_ADMIN]`` does not accept CAP_SYS_ADMIN.
    """
    accepted = {}
    for item in granted or []:
        accepted.setdefault(item['name'], set()).update(item.get('value') or [])
    missing = []
    for privilege in required or []:
        name = privilege.get('Name')
        values = privilege.get('Value') or []
        if name not in accepted:
            missing.append('%s=%s' % (name, ','.join(values)))
            continue
        not_accepted = [value for value in values if value not in accepted[name]]
        if not_accepted:
            missing.append('%s=%s' % (name, ','.join(not_accepted)))
    return missing


def networks_using(networks, name):
    """Names of the networks whose network or IPAM driver is the plugin ``name``."""
    full = plugin_name(name)
    short = full[:-len(':latest')] if full.endswith(':latest') else full
    drivers = set([full, short])
    users = []
    for network in networks or []:
        ipam_driver = (network.get('IPAM') or {}).get('Driver')
        if network.get('Driver') in drivers or ipam_driver in drivers:
            users.append(network.get('Name'))
    return sorted(users)


def interface_type(item):
    # The Engine marshals these as "prefix.capability/version"; older SDK models as objects.
    if isinstance(item, dict):
        return '%s.%s/%s' % (item.get('Prefix'), item.get('Capability'), item.get('Version'))
    return item


def describe(plugin):
    """An installed plugin in the format of the module's options (the gathered format)."""
    config = plugin.get('Config') or {}
    return dict(
        name=plugin.get('Name'),
        id=plugin.get('Id'),
        reference=plugin.get('PluginReference') or None,
        enabled=bool(plugin.get('Enabled')),
        settings=settings_to_list(current_settings(plugin)),
        types=[interface_type(item) for item in (config.get('Interface') or {}).get('Types') or []],
        description=config.get('Description') or '',
    )


def archive_problem(path):
    """Why ``path`` is not a plugin archive, or None."""
    if not tarfile.is_tarfile(path):
        return 'is not a tar archive (plain or gzip/bzip2/xz compressed)'
    with tarfile.open(path) as archive:
        # Top-level entries, however the archive spells them (./rootfs/x, rootfs/, rootfs).
        names = set(name.lstrip('./').split('/', 1)[0] for name in archive.getnames())
    missing = [entry for entry in ('config.json', 'rootfs') if entry not in names]
    if missing:
        return 'has no %s at its top level' % ' or '.join(missing)
    return None


def open_decompressed(path):
    """The archive at ``path`` as a readable stream of plain tar, whatever its compression."""
    with open(path, 'rb') as archive:
        magic = archive.read(6)
    if magic.startswith(b'\x1f\x8b'):
        return gzip.open(path, 'rb')
    if magic.startswith(b'BZh'):
        return bz2.open(path, 'rb')
    if magic.startswith(b'\xfd7zXZ'):
        return lzma.open(path, 'rb')
    return open(path, 'rb')


def folder_problem(path):
    missing = [entry for entry, check in (('config.json', os.path.isfile), ('rootfs', os.path.isdir))
               if not check(os.path.join(path, entry))]
    if missing:
        return 'has no %s' % ' and no '.join(missing)
    return None


class PluginRunner:
    """Brings one plugin on one host to the state the module's parameters describe."""

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.check_mode = module.check_mode
        self.actions = []
        # How many of ``actions`` were carried out: each is planned (act) just before it is applied.
        self.applied = 0
        self.name = plugin_name(self.params['name']) if self.params.get('name') else None

    def fail(self, field, reason):
        raise ModuleFailure('plugin "%s" on %s: field "%s": %s' % (self.name, self.client.host, field, reason))

    def act(self, action, reason):
        self.actions.append(dict(plugin=self.name, action=action, reason=reason))

    def inspect(self):
        try:
            return self.client.inspect_plugin(self.name)
        except NotFound:
            return None
        except Exception:  # anything else is reported by call() with the host's name
            return self.client.call('inspecting plugin "%s"' % self.name, self.client.inspect_plugin, self.name)

    def networks_using(self):
        networks = self.client.call('listing networks', self.client.read_networks)
        return networks_using(networks, self.name)

    def refuse_if_used(self, field, doing):
        users = self.networks_using()
        if users:
            self.fail(field, 'cannot %s: used by network(s) %s; remove those networks first'
                      % (doing, ', '.join('"%s"' % user for user in users)))

    def run(self):
        """The module's result; a failure carries the actions carried out (done) and those planned but not."""
        try:
            return self.run_state()
        except ModuleFailure as failure:
            raise failure.record(self.actions[:self.applied], changed=self.applied > 0,
                                 not_done=self.actions[self.applied:])

    def run_state(self):
        state = self.params['state']
        if state == 'gathered':
            plugins = self.client.call('listing plugins', self.client.list_plugins)
            return dict(changed=False, plugins=sorted((describe(p) for p in plugins), key=lambda p: p['name']))
        before = self.inspect()
        if state == 'absent':
            after = self.absent(before)
        else:
            after = self.present(before)
        before_view = describe(before) if before else None
        changed = bool([a for a in self.actions if a['action'] != 'unchanged'])
        if not changed:
            after = before_view
        result = dict(changed=changed, actions=self.actions, before=before_view, after=after)
        if self.module._diff:
            result['diff'] = dict(before=before_view or {}, after=after or {})
        return result

    # ---- absent ----

    def absent(self, plugin):
        if not plugin:
            self.act('unchanged', 'not installed')
            return None
        # Docker's force removal would leave these networks with a driver that is gone: never used.
        self.refuse_if_used('state', 'remove the plugin')
        if plugin.get('Enabled'):
            self.act('disabled', 'a plugin is disabled before it is removed')
            self.apply('disabling', self.client.disable_plugin, self.name)
        self.act('removed', 'state is absent')
        self.apply('removing', self.client.remove_plugin, self.name)
        return None

    # ---- present ----

    def present(self, plugin):
        desired, errors = parse_settings(self.params.get('settings'))
        if errors:
            self.fail('settings', '; '.join(errors))
        want_enabled = self.params['enabled']
        if not plugin:
            return self.install(desired, want_enabled)
        current = current_settings(plugin)
        unknown = unknown_settings(desired, current)
        if unknown:
            self.fail('settings', 'the plugin has no setting %s; it has %s'
                      % (', '.join(unknown), ', '.join(sorted(current)) or 'none'))
        changes = settings_changes(desired, current)
        upgrade_to = self.upgrade_target(plugin)
        enabled = bool(plugin.get('Enabled'))
        if (changes or upgrade_to) and enabled:
            # Docker changes settings and upgrades only on a disabled plugin.
            field = 'reference' if upgrade_to else 'settings'
            self.refuse_if_used(field, 'disable the plugin to %s' % ('upgrade it' if upgrade_to else 'change its settings'))
            self.act('disabled', 'to %s' % ('upgrade' if upgrade_to else 'change settings'))
            self.apply('disabling', self.client.disable_plugin, self.name)
            enabled = False
        if upgrade_to:
            privileges = self.privileges(upgrade_to)
            self.act('upgraded', 'installed from %s, reference is %s' % (plugin.get('PluginReference'), upgrade_to))
            self.apply('upgrading', self.drain, self.client.upgrade_plugin, self.name, upgrade_to, privileges)
        if changes:
            self.act('configured', 'settings %s differ' % ', '.join(sorted(changes)))
            self.apply('setting %s' % ', '.join(sorted(changes)), self.client.configure_plugin, self.name, changes)
        enabled = self.set_enabled(enabled, want_enabled, reenable=bool(changes or upgrade_to))
        if not self.actions:
            self.act('unchanged', 'installed with the given settings and enabled state')
        after = describe(plugin)
        after['enabled'] = enabled
        merged = current_settings(plugin)
        merged.update(desired)
        after['settings'] = settings_to_list(merged)
        if upgrade_to:
            after['reference'] = upgrade_to
        if not self.check_mode:
            after = describe(self.inspect())
        return after

    def set_enabled(self, enabled, want_enabled, reenable):
        if want_enabled and not enabled:
            self.act('enabled', 'enabled again after the change' if reenable else 'enabled is true')
            self.apply('enabling', self.client.enable_plugin, self.name)
        elif enabled and not want_enabled:
            self.refuse_if_used('enabled', 'disable the plugin')
            self.act('disabled', 'enabled is false')
            self.apply('disabling', self.client.disable_plugin, self.name)
        return want_enabled

    def upgrade_target(self, plugin):
        reference = self.params.get('reference')
        if not reference:
            return None
        wanted = normalize_reference(reference)
        installed = plugin.get('PluginReference')
        if installed and normalize_reference(installed) == wanted:
            return None
        return wanted

    def install(self, desired, want_enabled):
        reference, path = self.params.get('reference'), self.params.get('path')
        if reference:
            privileges = self.privileges(reference)
            self.act('installed', 'not installed; pulled from %s' % reference)
            self.apply('installing from %s' % reference, self.drain, self.client.pull_plugin, reference, privileges, self.name)
        elif path:
            self.create(path)
        else:
            self.fail('reference', 'the plugin is not installed; give reference (a registry) or path (a plugin folder or archive)')
        if desired:
            self.act('configured', 'settings %s given' % ', '.join(sorted(desired)))
            self.apply('setting %s' % ', '.join(sorted(desired)), self.client.configure_plugin, self.name, desired)
        if want_enabled:
            self.act('enabled', 'enabled is true')
            self.apply('enabling', self.client.enable_plugin, self.name)
        if self.check_mode:
            return dict(name=self.name, id=None, reference=normalize_reference(reference) if reference else None,
                        enabled=want_enabled, settings=settings_to_list(desired), types=[], description='')
        return describe(self.inspect())

    def create(self, path):
        if os.path.isdir(path):
            problem = folder_problem(path)
        elif os.path.isfile(path):
            problem = archive_problem(path)
        else:
            problem = 'does not exist on the managed node'
        if problem:
            self.fail('path', '%s %s' % (path, problem))
        self.act('created', 'not installed; created from %s' % path)
        if os.path.isdir(path):
            self.apply('creating from %s' % path, self.client.create_plugin, self.name, path)
        else:
            self.apply('creating from %s' % path, self.post_archive, path)

    def post_archive(self, path):
        # The Engine reads a plain tar only: decompress on the way.
        with open_decompressed(path) as archive:
            self.client.create_plugin_from_tar(self.name, archive)

    def privileges(self, reference):
        required = self.client.call('plugin "%s": reading the privileges of %s' % (self.name, reference),
                                    self.client.plugin_privileges, reference)
        missing = missing_privileges(required, self.params.get('granted_privileges'))
        if missing:
            self.fail('granted_privileges', '%s asks for privileges that are not granted: %s'
                      % (reference, '; '.join(missing)))
        return required

    @staticmethod
    def drain(method, *args):
        """Pull and upgrade stream progress and end the stream with an error, if any."""
        for event in method(*args):
            if isinstance(event, dict) and event.get('error'):
                return event['error']
        return None

    def apply(self, what, method, *args):
        if self.check_mode:
            return
        error = self.client.call('plugin "%s": %s' % (self.name, what), method, *args)
        if method == self.drain and error:
            raise ModuleFailure('plugin "%s" on %s: %s failed: %s' % (self.name, self.client.host, what, error))
        self.applied = len(self.actions)


def run(module):
    """The network_plugins module's result; raises ModuleFailure."""
    return PluginRunner(module, DockerClient(module)).run()
