#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: network_plugins
short_description: Install, configure, enable, upgrade and remove managed Docker plugins
description:
  - Puts one managed Docker plugin (C(docker plugin ...)) on a host under declarative control, for
    example a third-party network driver, and lists a host's plugins.
  - A plugin that is not installed is installed from a registry (O(reference)) or, for hosts
    without registry access, created from a plugin folder or archive on the managed node (O(path)).
  - Docker changes settings and upgrades only a disabled plugin, so the module disables the plugin,
    makes the change and enables it again. It refuses to disable, reconfigure, upgrade or remove a plugin
    while a network uses it as its network or IPAM driver, and names those networks. There is no force
    option, because Docker's forced removal would leave those networks without their driver.
  - Networks on a managed network plugin name the driver with its tag, for example
    C(docker network create -d my-driver:latest); see C(docs/plugins.md).
version_added: 0.1.0
author:
  - fleetnet.docker contributors (!UNKNOWN)
extends_documentation_fragment:
  - fleetnet.docker.docker
attributes:
  check_mode:
    support: full
    description: Computes C(changed), C(actions) and C(after) without changing anything.
  diff_mode:
    support: full
    description: C(before) and C(after) of the plugin in the format of RV(plugins).
options:
  name:
    description:
      - Local name of the plugin (Docker's alias). A name without a tag means the tag V(latest).
      - Required unless O(state=gathered).
    type: str
    aliases: [alias]
  state:
    description:
      - V(present) - the plugin is installed, with the given O(settings), enabled as O(enabled) says,
        and installed from O(reference) when that is given (a different reference upgrades the plugin).
      - V(absent) - the plugin is not installed.
      - V(gathered) - list the host's plugins in RV(plugins); never changes anything.
    type: str
    choices: [present, absent, gathered]
    default: present
  enabled:
    description: Whether the plugin is enabled (O(state=present)).
    type: bool
    default: true
  reference:
    description:
      - Registry reference to install the plugin from, such as V(vieux/sshfs:latest).
      - When the plugin is installed from a different reference, it is upgraded to this one.
      - The plugin's privileges must all be listed in O(granted_privileges).
    type: str
  path:
    description:
      - On the managed node, a plugin folder (C(config.json) and C(rootfs/)) or a tar archive of one
        (plain or compressed) to create the plugin from when it is not installed (C(docker plugin create)).
      - An installed plugin is left as it is; remove it first to create it again from new files.
      - Docker does not ask for privileges when creating a plugin from local files.
    type: path
  settings:
    description:
      - Settings as V(KEY=VALUE), as C(docker plugin set) takes them - environment variables by name,
        mount sources as V(MOUNT.source=/path), device paths as V(DEVICE.path=/dev/x) and V(args=...).
      - Only the given settings are compared; a setting not given never causes a change.
    type: list
    elements: str
  granted_privileges:
    description:
      - Privileges you accept for a plugin installed or upgraded from O(reference), as C(docker plugin install)
        lists them. Every value of every privilege the plugin asks for must be listed; otherwise the
        task fails, names the privileges not accepted and changes nothing.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the privilege, for example V(network), V(mount) or V(capabilities).
        type: str
        required: true
      value:
        description: Accepted values, for example V([host]) or V([CAP_NET_ADMIN]).
        type: list
        elements: str
        default: []
'''

EXAMPLES = r'''
- name: Install a network driver plugin from a registry, accepting exactly what it asks for
  fleetnet.docker.network_plugins:
    name: weave
    reference: weaveworks/net-plugin:2.8.1
    settings:
      - WEAVE_MULTICAST=1
    granted_privileges:
      - name: network
        value: [host]
      - name: capabilities
        value: [CAP_SYS_ADMIN, CAP_NET_ADMIN]

- name: Create a plugin on a host without registry access from an archive copied there
  fleetnet.docker.network_plugins:
    name: my-driver
    path: /opt/plugins/my-driver.tar.gz

- name: Change a setting (the plugin is disabled, set and enabled again)
  fleetnet.docker.network_plugins:
    name: my-driver
    settings:
      - LOG_LEVEL=debug

- name: Disable a plugin
  fleetnet.docker.network_plugins:
    name: my-driver
    enabled: false

- name: Remove a plugin (fails naming the networks that still use it)
  fleetnet.docker.network_plugins:
    name: my-driver
    state: absent

- name: List the plugins of every host
  fleetnet.docker.network_plugins:
    state: gathered
  register: plugins
'''

RETURN = r'''
changed:
  description: Whether anything was, or in check mode would be, changed.
  returned: always
  type: bool
actions:
  description: What was done to the plugin and why, in order.
  returned: when state is not gathered
  type: list
  elements: dict
  sample: [{plugin: "my-driver:latest", action: disabled, reason: to change settings}]
before:
  description: The plugin before the task in the format of RV(plugins), or null when it was not installed.
  returned: when state is not gathered
  type: dict
after:
  description: The plugin after the task in the format of RV(plugins) (predicted in check mode), or null when removed.
  returned: when state is not gathered
  type: dict
plugins:
  description: The host's plugins.
  returned: when state is gathered
  type: list
  elements: dict
  contains:
    name:
      description: Name with tag.
      type: str
      sample: my-driver:latest
    id:
      description: Plugin ID.
      type: str
    reference:
      description: Registry reference the plugin was installed from; for a plugin created from local files Docker reports its name.
      type: str
    enabled:
      description: Whether the plugin is enabled.
      type: bool
    settings:
      description: Every settable value as V(KEY=VALUE), as O(settings) takes it.
      type: list
      elements: str
    types:
      description: Interfaces the plugin implements.
      type: list
      elements: str
      sample: [docker.networkdriver/1.0]
    description:
      description: The plugin's own description from its C(config.json).
      type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once

_compile_once.install()  # first: the collection's imports below then compile once each on the node

from ansible_collections.fleetnet.docker.plugins.module_utils._client import connection_argspec
from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.plugins.module_utils._plugins import run

REQUIRED_IF = [('state', 'present', ['name']), ('state', 'absent', ['name'])]


def argument_spec():
    return connection_argspec(
        name=dict(type='str', aliases=['alias']),
        state=dict(type='str', default='present', choices=['present', 'absent', 'gathered']),
        enabled=dict(type='bool', default=True),
        reference=dict(type='str'),
        path=dict(type='path'),
        settings=dict(type='list', elements='str'),
        granted_privileges=dict(type='list', elements='dict', options=dict(
            name=dict(type='str', required=True),
            value=dict(type='list', elements='str', default=[]),
        )),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), required_if=REQUIRED_IF,
                           mutually_exclusive=[('reference', 'path')], supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
