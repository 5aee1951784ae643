# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Throwaway probe containers that prove a network carries traffic between hosts.

Private to this collection. The module fleetnet.docker.probe runs in three steps, each on every
host: ``present`` starts one probe per network, ``pinged`` pings the other hosts' probes from this
host's, ``absent`` removes every probe (the playbook runs it in an ``always`` section).

The container calls (image inspect/pull, container create/start/exec/remove/list) are the client's
typed methods (``_client_containers``), with ``client.call`` for errors. The parsing of ping's output
is pure and unit-tested.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.fleetnet.docker.plugins.module_utils._client import (
    APIError, DockerClient, DockerException, NotFound, connection_argspec)
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

ARGUMENT_SPEC = connection_argspec(
    state=dict(type='str', choices=['present', 'pinged', 'absent'], default='present'),
    networks=dict(type='list', elements='str', default=[]),
    targets=dict(type='list', elements='dict', default=[]),
    host=dict(type='str'),
    image=dict(type='str', default='fleetnet/probe:latest'),
    pull=dict(type='bool', default=False),
    name_prefix=dict(type='str', default='fleetnet-probe'),
    lifetime=dict(type='int', default=600),
    count=dict(type='int', default=2),
    ping_timeout=dict(type='int', default=2),
)

# Every probe carries this label: `absent` finds all of them, also those an interrupted run left.
PROBE_LABEL = 'fleetnet.docker.probe'
NAME_CHARACTERS = re.compile(r'[^a-zA-Z0-9_.-]+')

# busybox: "round-trip min/avg/max = 0.071/0.093/0.115 ms"; iputils: "rtt min/avg/max/mdev = ..."
ROUND_TRIP = re.compile(r'(?:round-trip|rtt) min/avg/max(?:/mdev)? = [0-9.]+/([0-9.]+)/')
RECEIVED = re.compile(r'(\d+) packets transmitted, (\d+) (?:packets )?received')


def probe_name(prefix, network, host):
    """Container name of the probe of ``host`` on ``network``: unique per host, readable, DNS-safe."""
    return NAME_CHARACTERS.sub('-', '%s-%s-%s' % (prefix, network, host)).strip('-.')[:120]


def ping_outcome(exit_code, output):
    """(status, latency in ms or None, error or None) from a ping's exit code and its output."""
    text = (output or '').strip()
    match = ROUND_TRIP.search(text)
    latency = float(match.group(1)) if match else None
    if exit_code == 0 and latency is not None:
        return 'pass', latency, None
    if exit_code == 0:
        return 'pass', None, None
    # The first line ("PING 10.0.0.2 (10.0.0.2): 56 data bytes") only repeats what was pinged.
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith('PING ')]
    received = RECEIVED.search(text)
    if received:
        error = '%s of %s packets answered' % (received.group(2), received.group(1))
        reasons = [line for line in lines if line.startswith('ping:')]
        if reasons:
            error += ' (%s)' % reasons[-1]
    else:
        error = lines[-1] if lines else 'no answer, and ping said nothing more (exit code %d)' % exit_code
    return 'fail', latency, error


def network_by_name(networks, name):
    """The ``GET /networks`` entry of ``name`` (exact name, local or swarm), or None."""
    for network in networks:
        if network.get('Name') == name:
            return network
    return None


def dns_across_hosts(network):
    """(True, None) when Docker's DNS resolves container names from other hosts on ``network``, else (False, why).

    Only swarm overlay networks share their containers' names across nodes; on every other driver the
    embedded DNS knows the containers of its own host.
    """
    if network and network.get('Scope') == 'swarm' and network.get('Driver') == 'overlay':
        return True, None
    driver = (network or {}).get('Driver') or 'this'
    return False, "Docker's DNS resolves names only among containers of the same host on a %s network" % driver


def why_not_probed(network, name, swarm_active):
    """Why a probe cannot join network ``name`` on this host (None: it can).

    ``network`` is the host's ``GET /networks`` entry or None when the host does not list it; a swarm
    worker lists an attachable overlay only once a container there uses it, so a missing network is
    only a reason when this host is not in a swarm.
    """
    if network is None:
        if swarm_active:
            return None
        return 'network "%s" does not exist on this host' % name
    if network.get('Ingress'):
        return 'the ingress network carries the routing mesh; containers cannot join it'
    if network.get('ConfigOnly'):
        return 'a config-only network carries no traffic'
    if network.get('Scope') == 'swarm' and network.get('Driver') == 'overlay' and not network.get('Attachable'):
        return 'the overlay network is not attachable, so a standalone probe container cannot join it'
    if network.get('Driver') in ('host', 'null'):
        return 'a %s network has no addresses of its own to ping' % network.get('Driver')
    return None


class ProbeRunner:
    """The three steps of the probe module on one host."""

    def __init__(self, client, params, check_mode):
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.host = params['host'] or client.host

    def fail(self, message):
        raise ModuleFailure(message)

    def name_for(self, network):
        return probe_name(self.params['name_prefix'], network, self.host)

    # -- present
    def ensure_image(self):
        """Fail before anything starts when the image is not on the host (and may not be pulled)."""
        image = self.params['image']
        try:
            self.client.inspect_image(image)
            return None
        except NotFound:
            pass
        except APIError as exc:
            self.fail('probe on %s: reading image "%s" failed: %s' % (self.host, image, exc.explanation or exc))
        if not self.params['pull']:
            self.fail('probe on %s: image "%s" is not on the host, and pull is false: load it there '
                      '(docker load) or set pull: true' % (self.host, image))
        if self.check_mode:
            return 'pull image %s' % image
        repository, _sep, tag = image.rpartition(':') if ':' in image.split('/')[-1] else (image, '', 'latest')
        self.client.call('pulling image %s' % image, self.client.pull_image, repository, tag)
        return 'pulled image %s' % image

    def present(self):
        networks = self.client.call('listing networks', self.client.read_networks)
        info = self.client.call('reading the daemon information', self.client.read_info)
        swarm_active = (info.get('Swarm') or {}).get('LocalNodeState') == 'active'
        plan = []
        for name in self.params['networks']:
            reason = why_not_probed(network_by_name(networks, name), name, swarm_active)
            plan.append((name, reason))
        actions = []
        if any(reason is None for _name, reason in plan):
            pulled = self.ensure_image()
            if pulled:
                actions.append(pulled)
        probes = []
        for name, reason in plan:
            container = self.name_for(name)
            dns, dns_reason = dns_across_hosts(network_by_name(networks, name))
            probe = dict(network=name, host=self.host, container=container, address=None, ipv6_address=None,
                         status='skipped' if reason else 'planned', reason=reason, dns=dns, dns_reason=dns_reason)
            if reason is None and not self.check_mode:
                self.start(name, container, probe)
            if reason is None:
                actions.append('start probe %s on %s' % (container, name))
            probes.append(probe)
        started = [probe for probe in probes if probe['status'] in ('planned', 'started')]
        return dict(changed=bool(started) or bool(actions), probes=probes, actions=actions)

    def start(self, network, container, probe):
        self.remove_named(container)
        labels = {PROBE_LABEL: self.host, PROBE_LABEL + '.network': network}
        # run_container sets auto_remove: should every later step fail (or the controller vanish), the
        # probe still ends after `lifetime` seconds and Docker removes it.
        # A network this host cannot join (say a swarm network the manager does not know) fails this
        # probe only: its pairs show the error, the host's other probes go on.
        try:
            created = self.client.run_container(self.params['image'], ['sleep', str(self.params['lifetime'])],
                                                container, labels, network)
        except APIError as exc:
            probe.update(status='failed', reason='starting the probe failed: %s' % (exc.explanation or exc))
            self.remove_named(container)
            return
        inspected = self.client.call('inspecting probe %s' % container, self.client.read_container, created['Id'])
        endpoint = (inspected.get('NetworkSettings') or {}).get('Networks', {}).get(network) or {}
        probe.update(status='started', address=endpoint.get('IPAddress') or None,
                     ipv6_address=endpoint.get('GlobalIPv6Address') or None)
        # A worker lists an overlay network only now that the probe uses it: ask again for its driver.
        dns, dns_reason = dns_across_hosts(self.client.call('inspecting network %s' % network, self.client.read_network, network))
        probe.update(dns=dns, dns_reason=dns_reason)
        if not probe['address'] and not probe['ipv6_address']:
            probe.update(reason='the probe got no address on the network')

    # -- pinged
    def ping(self, container, destination):
        # One stream (2>&1): ping's reason ("sendto: Network is unreachable") goes to stderr, and the Engine
        # API's separate stderr frames can come after the exec has been read.
        command = ['sh', '-c', 'exec ping -c "$0" -W "$1" "$2" 2>&1',
                   str(self.params['count']), str(self.params['ping_timeout']), destination]
        started = time.time()
        try:
            output, exit_code = self.client.exec_in(container, command)
        except DockerException as exc:
            return 'fail', None, 'running ping in %s failed: %s' % (container, getattr(exc, 'explanation', None) or exc)
        if isinstance(output, bytes):
            output = output.decode('utf-8', 'replace')
        status, latency, error = ping_outcome(exit_code, output)
        if status == 'fail' and error is None:
            error = 'no answer within %.0f s' % (time.time() - started)
        return status, latency, error

    def pinged(self):
        results = []
        for target in self.params['targets']:
            network, peer = target.get('network'), target.get('host')
            if not network or not peer:
                self.fail('probe on %s: every target needs network and host (the probes state=present returned); got %s'
                          % (self.host, sorted(target)))
            if peer == self.host:
                continue
            own = self.name_for(network)
            started = target.get('status') == 'started'
            address = target.get('address') or target.get('ipv6_address')
            for by, destination in (('address', address), ('name', target.get('container'))):
                result = dict(network=network, source=self.host, target=peer, by=by, destination=destination if started else None,
                              status='skipped', latency_ms=None, error=None, reason=None)
                if self.check_mode:
                    result['reason'] = 'check mode: no probe was started'
                elif target.get('status') == 'failed':
                    result['status'] = 'fail'
                    result['error'] = 'the probe on %s could not join the network: %s' % (peer, target.get('reason'))
                elif not started:
                    result['reason'] = 'the probe on %s did not start: %s' % (peer, target.get('reason') or target.get('status'))
                elif by == 'name' and not target.get('dns'):
                    result['reason'] = target.get('dns_reason') or "Docker's DNS does not resolve names across hosts on this network"
                elif not destination:
                    result['reason'] = 'the probe on %s got no address' % peer
                elif (self.own_entry(network) or {}).get('status') == 'failed':
                    result['status'] = 'fail'
                    result['error'] = 'the probe on %s could not join the network: %s' % (self.host, self.own_entry(network).get('reason'))
                elif not self.running(own):
                    result['reason'] = 'no probe of this host on the network (%s)' % ((self.own_entry(network) or {}).get('reason') or 'not started')
                else:
                    result['status'], result['latency_ms'], result['error'] = self.ping(own, destination)
                results.append(result)
        return dict(changed=False, results=results)

    def own_entry(self, network):
        """This host's own probe on ``network`` as the targets list it (what state=present returned here)."""
        for target in self.params['targets']:
            if target.get('network') == network and target.get('host') == self.host:
                return target
        return None

    def running(self, container):
        try:
            return bool((self.client.read_container(container).get('State') or {}).get('Running'))
        except NotFound:
            return False

    # -- absent
    def probes_on_host(self):
        return self.client.call('listing probe containers', self.client.container_summaries, all=True,
                                filters={'label': PROBE_LABEL})

    def remove_named(self, container):
        try:
            self.client.remove_container(container, force=True)
        except NotFound:
            pass

    def absent(self):
        found = self.probes_on_host()
        names = sorted((container.get('Names') or ['/' + container['Id'][:12]])[0].lstrip('/') for container in found)
        if not self.check_mode:
            for container in found:
                try:
                    self.client.remove_container(container['Id'], force=True)
                except NotFound:
                    pass  # auto_remove got there first
                except APIError as exc:
                    # "removal already in progress" from auto_remove is fine; anything else is not.
                    if 'already in progress' not in str(exc):
                        self.fail('probe on %s: removing probe container %s failed: %s'
                                  % (self.host, container['Id'][:12], exc.explanation or exc))
            left = self.probes_on_host()
            for _attempt in range(20):
                if not left:
                    break
                time.sleep(0.5)  # auto_remove may still be removing one
                left = self.probes_on_host()
            if left:
                self.fail('probe on %s: probe containers still there after removing them: %s'
                          % (self.host, ', '.join(c['Id'][:12] for c in left)))
        return dict(changed=bool(names), removed=names, actions=['remove probe %s' % name for name in names])


def run(module):
    """The probe module's result for its ``state``; raises ModuleFailure."""
    runner = ProbeRunner(DockerClient(module), module.params, module.check_mode)
    return getattr(runner, module.params['state'])()
