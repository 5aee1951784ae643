# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``docker_connection``: the connection options of a host, from its ``fleetnet_docker_*`` variables.

The shipped playbooks pass the result to every module of the collection at once:

    module_defaults:
      group/fleetnet.docker.docker: "{{ hostvars[inventory_hostname] | fleetnet.docker.docker_connection }}"

Ansible templates only the values of module_defaults, and only per action or group; this filter is
what lets one inventory variable per connection option reach every module (documented in
docker_connection.yml next to this file).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

PREFIX = 'fleetnet_docker_'
# The modules' connection options (CONNECTION_ARGSPEC of module_utils/_client.py, checked by a unit test).
OPTIONS = ('docker_host', 'tls', 'validate_certs', 'ca_path', 'client_cert', 'client_key', 'tls_hostname',
           'api_version', 'timeout')


def variable_of(option):
    # fleetnet_docker_host, not fleetnet_docker_docker_host.
    return PREFIX + (option[len('docker_'):] if option.startswith('docker_') else option)


VARIABLES = dict((variable_of(option), option) for option in OPTIONS)
# Host variables with the same prefix that are not connection options: the daemon_network module's
# action plugin reads the daemon's restart command from this one.
OTHER_VARIABLES = ('fleetnet_docker_restart_command',)


def docker_connection(host_variables):
    """``{option: value}`` for each ``fleetnet_docker_<option>`` variable that is set; a misspelt one is an error."""
    try:
        names = [name for name in host_variables if str(name).startswith(PREFIX)]
    except TypeError:
        raise AnsibleFilterError('docker_connection: give it a host\'s variables (hostvars[inventory_hostname])')
    names = [name for name in names if name not in OTHER_VARIABLES]
    unknown = sorted(name for name in names if name not in VARIABLES)
    if unknown:
        raise AnsibleFilterError('docker_connection: unknown variable(s) %s; the connection variables are %s'
                                 % (', '.join(unknown), ', '.join(variable_of(option) for option in OPTIONS)))
    options = {}
    for name in names:
        value = host_variables[name]
        # An empty value means "not set", so that group_vars can unset what a parent group set.
        if value is not None and value != '':
            options[VARIABLES[name]] = value
    return options


class FilterModule(object):
    def filters(self):
        return {'docker_connection': docker_connection}
