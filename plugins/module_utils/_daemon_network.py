# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The daemon_network module's run: read everything, validate the whole input, write, restart, verify.

Private to this collection. Nothing on the host changes until every check has passed; a restart
whose daemon does not come back puts the previous file back and starts the daemon with it again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _daemon_config as daemon_config
from ansible_collections.fleetnet.docker.plugins.module_utils import _daemon_config_checks as daemon_checks
from ansible_collections.fleetnet.docker.plugins.module_utils import _daemon_host as daemon_host
from ansible_collections.fleetnet.docker.plugins.module_utils._client import DockerClient, this_host
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import engine_at_least
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import ip_json, read_host_prefixes
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

DEFAULT_CONFIG_PATH = '/etc/docker/daemon.json'
DEFAULT_RESTART_COMMAND = 'systemctl restart docker'


def _config_suboptions():
    suboptions = {}
    for key in daemon_config.KEYS:
        spec = dict(type=key.kind)
        if key.elements:
            spec['elements'] = key.elements
        if key.option == 'default_address_pools':
            spec['options'] = dict(base=dict(type='str', required=True), size=dict(type='int', required=True))
        if key.option == 'firewall_backend':
            spec['choices'] = daemon_config.FIREWALL_BACKENDS
        suboptions[key.option] = spec
    return suboptions


MODULE_OPTIONS = dict(
    config=dict(type='dict', options=_config_suboptions()),
    state=dict(type='str', default='merged', choices=['merged', 'replaced', 'gathered']),
    config_path=dict(type='path', default=DEFAULT_CONFIG_PATH),
    restart=dict(type='bool', default=False),
    allow_container_restart=dict(type='bool', default=False),
    restart_command=dict(type='str', default=DEFAULT_RESTART_COMMAND),
    restart_timeout=dict(type='int', default=90),
)


class DaemonNetwork:
    def __init__(self, module, client=None):
        self.module = module
        self.params = module.params
        self.host = this_host()
        # ``client``: a stand-in for DockerClient in unit tests.
        self.client = client or DockerClient(module)
        self.warnings = []
        # What this run changed on the host, in order: the ``actions`` of a failure after a change.
        self.done = []
        # The result as far as it is known: a failure after a change reports it too.
        self.result = {}

    def fail(self, problems):
        raise ModuleFailure(also=[daemon_checks.problem_line(self.host, problem) for problem in problems])

    def write(self, path, text, action):
        daemon_host.write_file(self.module, path, text)
        self.done.append(dict(action=action, path=path))

    def run(self):
        """The module's result; a failure after a change carries ``changed``, the actions done and the result so far."""
        try:
            return self.finish(self.run_state())
        except ModuleFailure as failure:
            self.finish({})
            if self.done:
                known = dict((key, value) for key, value in self.result.items() if key not in ('changed', 'msg'))
                failure.record(self.done, changed=True, **known)
            raise

    def read_facts(self, given, process):
        info = self.client.call('reading the daemon info (GET /info)', self.client.read_info)
        networks = self.client.call('listing networks (GET /networks)', self.client.read_networks)
        named, bridges = [], []
        for network in networks:
            subnets = [entry.get('Subnet') for entry in ((network.get('IPAM') or {}).get('Config') or []) if entry.get('Subnet')]
            named.append((network.get('Name'), subnets))
            if network.get('Driver') == 'bridge':
                bridges.append((network.get('Options') or {}).get('com.docker.network.bridge.name')
                               or 'br-' + network.get('Id', '')[:12])
        needs_prefixes = any(name in given for name in ('default-address-pools', 'bip', 'bip6'))
        swarm_state = (info.get('Swarm') or {}).get('LocalNodeState')
        facts = daemon_checks.HostFacts(
            engine_version=self.engine_version,
            flags=daemon_config.parse_dockerd_flags(process.argv) if process else {},
            networks=named,
            prefixes=read_host_prefixes(self.module) if needs_prefixes else [],
            docker_interfaces=bridges,
            swarm_active=swarm_state in ('active', 'pending', 'locked', 'error'),
            ipv4_forwarding=daemon_host.ipv4_forwarding(),
            nft_found=bool(self.module.get_bin_path('nft')))
        return info, facts

    def container_problems(self, info, candidate, changed_keys):
        """A restart stops every running container unless live restore is on before and after it."""
        running = self.client.call('listing running containers (GET /containers/json)', self.client.container_summaries)
        names = sorted(name.lstrip('/') for container in running for name in (container.get('Names') or [])[:1])
        if not names:
            return []
        if info.get('LiveRestoreEnabled') and candidate.get('live-restore') is True:
            # dockerd keeps the default bridge as it is while restored containers run on it.
            kept = [key for key in changed_keys if key in daemon_config.DEFAULT_BRIDGE_KEYS]
            if not kept:
                return []
            return [(None, 'live restore keeps the running container%s %s through the restart, and dockerd then '
                           'keeps the default bridge as it is: %s would not take effect; stop %s first'
                     % ('' if len(names) == 1 else 's', ', '.join(names), ', '.join(kept),
                        'it' if len(names) == 1 else 'them'))]
        if self.params['allow_container_restart']:
            return []
        return [(None, 'restarting dockerd would stop the running container%s %s (live_restore is not on '
                       'before and after the restart); set allow_container_restart: true to allow it'
                 % ('' if len(names) == 1 else 's', ', '.join(names)))]

    def run_state(self):
        params = self.params
        version = self.client.call('reading the engine version (GET /version)', self.client.read_version)
        self.engine_version = version.get('Version', '')
        process = daemon_host.find_dockerd()
        if process is None:
            self.warnings.append('no running dockerd found in the network namespace of %s: its command-line flags '
                                 'were not checked and config_path %s is used' % (self.host, params['config_path']))
        flags = daemon_config.parse_dockerd_flags(process.argv) if process else {}
        path = daemon_config.config_file_from_flags(flags, params['config_path'])
        try:
            text = daemon_host.read_text(path)
            current = daemon_config.parse_file(text or '', path)
        except (OSError, daemon_config.ConfigFileError) as exc:
            raise ModuleFailure('%s: cannot read the daemon configuration: %s' % (self.host, exc))
        result = self.result = dict(changed=False, config_path=path, engine_version=self.engine_version)
        if params['state'] == 'gathered':
            result.update(config=daemon_config.network_options(current),
                          restart_needed=daemon_host.modified_after_start(path, process))
            return result

        given = daemon_config.desired_from_params(params['config'])
        candidate = daemon_config.candidate_file(current, given, params['state'])
        file_changed = candidate != current
        restart_needed = file_changed or daemon_host.modified_after_start(path, process)
        will_restart = params['restart'] and restart_needed

        info, facts = self.read_facts(given, process)
        problems = daemon_checks.validate(given, current, candidate, facts)
        if will_restart:
            problems += self.container_problems(info, candidate, daemon_config.changed_keys(current, candidate))
        new_text = daemon_config.render_file(candidate) if file_changed else (text or '')
        validated = False
        if not problems and file_changed and process is not None:
            if engine_at_least(self.engine_version, daemon_config.VALIDATE_SINCE):
                refusal = daemon_host.validate_with_dockerd(self.module, process.executable, new_text)
                validated = True
                if refusal:
                    problems.append((None, 'dockerd --validate refuses the new daemon.json: %s' % refusal))
            else:
                self.warnings.append('Docker Engine %s on %s has no "dockerd --validate" (%s+): the file was checked by '
                                     'this module only' % (self.engine_version, self.host, daemon_config.VALIDATE_SINCE))
        if problems:
            self.fail(problems)

        result.update(before=daemon_config.network_options(current), config=daemon_config.network_options(candidate),
                      changed_keys=daemon_config.changed_keys(current, candidate), validated=validated,
                      changed=file_changed or will_restart, restart_needed=restart_needed, restarted=will_restart)
        if self.module._diff:
            result['diff'] = dict(before=text or '', after=new_text,
                                  before_header=path, after_header=path)
        if self.module.check_mode:
            return result
        if file_changed:
            self.write(path, new_text, 'written')
        if will_restart:
            self.restart(process, path, (text or '') if file_changed else None)
            self.verify(candidate, result)
            result['restart_needed'] = False
        return result

    def restart(self, process, path, previous_text):
        old_pid = process.pid if process else None
        rc, output = daemon_host.run_restart(self.module, self.params['restart_command'])
        self.done.append(dict(action='restarted', command=self.params['restart_command']))
        if rc == 0 and daemon_host.wait_for_new_daemon(self.client, old_pid, self.params['restart_timeout']):
            return
        command, timeout = self.params['restart_command'], self.params['restart_timeout']
        if rc:
            reason = 'the restart command "%s" exited with %d%s' % (command, rc, ': ' + output if output else '')
        else:
            reason = 'dockerd did not answer within %d seconds after "%s"' % (timeout, command)
        if previous_text is not None:
            self.write(path, previous_text, 'put back')
            daemon_host.run_restart(self.module, command)
            self.done.append(dict(action='restarted', command=command))
            if daemon_host.wait_for_new_daemon(self.client, None, timeout):
                reason += '; the previous %s was put back and dockerd runs with it' % path
            else:
                reason += '; the previous %s was put back, but dockerd did not come back with it either' % path
        raise ModuleFailure('%s: dockerd did not come back after the restart: %s' % (self.host, reason))

    def verify(self, candidate, result):
        """The restarted daemon shows the file's settings (the default bridge, docker0, docker info)."""
        info = self.client.call('reading the daemon info (GET /info)', self.client.read_info)
        bridge = self.client.call('inspecting network "bridge"', self.client.read_network, 'bridge') if 'bip' in candidate or \
            any(name in candidate for name in ('fixed-cidr', 'mtu', 'icc', 'ip-masq', 'ipv6')) else None
        addresses = []
        if bridge is not None and 'bip' in candidate:
            device = (bridge.get('Options') or {}).get('com.docker.network.bridge.name', 'docker0')
            for link in ip_json(self.module, '-4', 'addr', 'show', 'dev', device):
                addresses += ['%s/%s' % (entry['local'], entry['prefixlen']) for entry in link.get('addr_info', [])]
        problems = daemon_checks.effect_problems(candidate, bridge, addresses, info)
        if problems:
            lines = '; '.join(daemon_checks.problem_line(self.host, problem) for problem in problems)
            raise ModuleFailure('dockerd restarted with the new %s, but not with its settings: %s'
                                % (result['config_path'], lines))

    def finish(self, result):
        """``result``, once the warnings are given (they hold for a failed run too)."""
        for warning in self.warnings:
            self.module.warn(warning)
        self.warnings = []
        return result


def run(module, client=None):
    """The daemon_network module's result; raises ModuleFailure. ``client``: a stand-in in unit tests."""
    return DaemonNetwork(module, client).run()
