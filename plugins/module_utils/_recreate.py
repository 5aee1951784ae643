# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lossless recreate: journal, disconnect, remove, create, reconnect; roll back what Docker refuses;
finish or roll back what a previous run left (docs/safety.md).

Private to this collection. The network engine plans; this carries out one recreate against the
daemon through a small ``NetworkCalls`` interface, so that it can be tested with a fake daemon.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os

from ansible_collections.fleetnet.docker.plugins.module_utils import _ipam
from ansible_collections.fleetnet.docker.plugins.module_utils._journal import new_entry

# An endpoint driver option the collection sets on a reconnect that had to request a dynamic
# address to keep it: Docker then stores it like a static one, this says which families it chose.
DYNAMIC_MARK = 'fleetnet.docker.dynamic_address'
# Docker 28.0 (Engine API 1.48) names a container's interface on connect from this option.
INTERFACE_OPTION = 'com.docker.network.endpoint.ifname'
INTERFACE_API = '1.48'
# Engine API 1.44 is the first to take a MAC address on connect; older daemons derive it from the IP.
MAC_API = '1.44'


class RecreateError(Exception):
    """A recreate (or a recovery) failed; ``changed`` says whether the host was changed anyway."""

    def __init__(self, message, changed):
        super(RecreateError, self).__init__(message)
        self.message = message
        self.changed = changed


def dynamic_families(driver_opts):
    """The address families a previous reconnect pinned only to keep them (DYNAMIC_MARK)."""
    return set(family for family in (driver_opts or {}).get(DYNAMIC_MARK, '').split(',') if family)


def interface_names(pid):
    """{MAC address: interface name} inside a running container, from its own /sys/class/net.

    Readable where the module runs on the Docker host as root (the usual case); elsewhere empty,
    and interface names are then neither kept nor reported.
    """
    found = {}
    if not pid:
        return found
    for path in glob.glob('/proc/%d/root/sys/class/net/*/address' % pid):
        try:
            with open(path) as handle:
                found[handle.read().strip().lower()] = path.split('/')[-2]
        except (IOError, OSError):
            continue
    return found


def reserved_addresses(target_subnets):
    reserved = set()
    for entry in target_subnets or []:
        try:
            reserved.add(entry.get('gateway') or _ipam.first_host(entry['subnet']))
        except ValueError:
            pass
        reserved.update((entry.get('aux_addresses') or {}).values())
    return reserved


def connect_arguments(endpoint, target_subnets, api_at_least, keep_interface):
    """Keyword arguments of APIClient.connect_container_to_network that reattach ``endpoint`` as it was.

    Static addresses always; a dynamic one when it still fits the target subnets (peers may have it
    cached), marked with DYNAMIC_MARK so that it keeps counting as dynamic. ``target_subnets`` None
    means "a new attachment": only what the endpoint asks for is sent.
    """
    driver_opts = dict(endpoint.get('driver_opts') or {})
    driver_opts.pop(DYNAMIC_MARK, None)
    addresses = dict(ipv4_address=endpoint.get('ipv4_address'), ipv6_address=endpoint.get('ipv6_address'))
    if target_subnets is not None:
        subnets = [entry['subnet'] for entry in target_subnets]
        reserved = reserved_addresses(target_subnets)
        pinned = []
        for family, current, label in (('ipv4_address', 'current_ipv4', 'ipv4'), ('ipv6_address', 'current_ipv6', 'ipv6')):
            dynamic = endpoint.get(current)
            if not addresses[family] and dynamic and dynamic not in reserved and _ipam.fits_subnets(dynamic, subnets):
                addresses[family] = dynamic
                pinned.append(label)
        if pinned:
            driver_opts[DYNAMIC_MARK] = ','.join(pinned)
        if keep_interface and endpoint.get('interface') and api_at_least(INTERFACE_API):
            driver_opts[INTERFACE_OPTION] = endpoint['interface']
    arguments = dict(ipv4_address=addresses['ipv4_address'], ipv6_address=addresses['ipv6_address'],
                     aliases=endpoint.get('aliases') or None, links=_link_pairs(endpoint.get('links')) or None,
                     driver_opt=driver_opts or None)
    if endpoint.get('mac_address') and api_at_least(MAC_API):
        arguments['mac_address'] = endpoint['mac_address']
    return arguments


def _link_pairs(links):
    # The SDK wants (container, alias) pairs; inspect reports "/container:/self/alias" strings.
    pairs = []
    for link in links or []:
        container, _sep, alias = link.partition(':')
        pairs.append((container.lstrip('/'), alias.split('/')[-1] or None))
    return pairs


def _reason(exc):
    explanation = getattr(exc, 'explanation', None)
    if isinstance(explanation, bytes):
        explanation = explanation.decode('utf-8', 'replace')
    return explanation or str(exc) or exc.__class__.__name__


class Recreate:
    """One recreate of one network, with its journal entry; see docs/safety.md.

    ``calls`` offers: ``api`` (docker.APIClient), ``api_at_least(version)``, ``create(config)`` (the
    new network's ID; raises on refusal), ``wait_until_removed(network)``, ``warn(text)``.
    """

    def __init__(self, calls, journal, host, driver):
        self.calls = calls
        self.api = calls.api
        self.journal = journal
        self.host = host
        self.driver = driver

    # ------------------------------------------------------------ a recreate planned by this run

    def run(self, name, network, before, target, endpoints, leaving=(), overrides=None, connect=()):
        """Replace ``network`` by one made from ``target``; ``endpoints`` are its attachments now."""
        overrides = overrides or {}
        containers = [endpoint for endpoint in endpoints if not endpoint.get('service')]
        staying = [overrides.get(endpoint['name'], endpoint) for endpoint in containers if endpoint['name'] not in leaving]
        entry = new_entry(name, self.driver, network['Id'], before, target, staying)
        if self.journal is not None:
            self.journal.write(entry)
        for endpoint in containers:
            self._disconnect(name, network['Id'], endpoint)
        try:
            self.api.remove_network(network['Id'])
            self.calls.wait_until_removed(network)
        except Exception as exc:  # Docker refused: a swarm network in use on other nodes, typically
            self._reconnect_all(name, network['Id'], containers, before.get('subnets'))
            self._forget(name)
            raise RecreateError('network "%s" on %s: cannot be recreated, Docker refused to remove it (%s); it was '
                                'left as it was, with its containers reconnected. A swarm network used on other nodes '
                                'must be freed there first' % (name, self.host, _reason(exc)), changed=False)
        new_id = None
        step = 'creating the new network'
        try:
            new_id = self.calls.create(target)
            entry['new_id'] = new_id
            if self.journal is not None:
                self.journal.write(entry)
            for endpoint in staying:
                step = 'connecting container "%s"' % endpoint['name']
                self._connect(new_id, endpoint, target.get('subnets'))
            for endpoint in connect:
                step = 'connecting container "%s"' % endpoint['name']
                self._connect(new_id, endpoint, None)
        except Exception as exc:
            self._put_back(name, new_id, before, containers)
            raise RecreateError('network "%s" on %s: recreating it failed at %s (%s); the network was put back as it '
                                'was, with its containers %s' % (name, self.host, step, _reason(exc),
                                                                 ', '.join(e['name'] for e in containers) or '(none)'),
                                changed=True)
        self._forget(name)
        self._report_renamed(name, new_id, staying)
        return new_id

    def _put_back(self, name, new_id, before, containers):
        """Undo a recreate that Docker refused half-way: the old settings, every container as it was."""
        if new_id is not None:
            for endpoint in containers:
                try:
                    self.api.disconnect_container_from_network(endpoint.get('id') or endpoint['name'], new_id, force=True)
                except Exception:
                    pass  # not connected yet
            self.api.remove_network(new_id)
        old_id = self.calls.create(before)
        self._reconnect_all(name, old_id, containers, before.get('subnets'))
        self._forget(name)

    def _reconnect_all(self, name, network_id, endpoints, subnets):
        for endpoint in endpoints:
            self._connect(network_id, endpoint, subnets)

    def _forget(self, name):
        if self.journal is not None:
            self.journal.remove(name)

    def _disconnect(self, name, network_id, endpoint):
        self.api.disconnect_container_from_network(endpoint.get('id') or endpoint['name'], network_id, force=True)

    def _connect(self, network_id, endpoint, target_subnets):
        arguments = connect_arguments(endpoint, target_subnets, self.calls.api_at_least,
                                      keep_interface=target_subnets is not None)
        self.api.connect_container_to_network(endpoint.get('id') or endpoint['name'], network_id, **arguments)

    def _report_renamed(self, name, network_id, endpoints):
        """Before Docker 28 a reconnected interface gets the next free ethN: say so, per container."""
        if self.calls.api_at_least(INTERFACE_API):
            return
        for endpoint in endpoints:
            if not endpoint.get('interface') or not endpoint.get('running'):
                continue
            try:
                container = self.api.inspect_container(endpoint.get('id') or endpoint['name'])
            except Exception:
                continue
            settings = ((container.get('NetworkSettings') or {}).get('Networks') or {}).get(name) or {}
            now = interface_names((container.get('State') or {}).get('Pid')).get((settings.get('MacAddress') or '').lower())
            if now and now != endpoint['interface']:
                self.calls.warn('container "%s" on network "%s" on %s: interface %s is now %s; Docker before 28.0 '
                                'cannot keep interface names on reconnect, a restart of the container puts them back '
                                'in order' % (endpoint['name'], name, self.host, endpoint['interface'], now))

    # ------------------------------------------------------------ what a previous run left

    def recover(self, entry, networks, check_mode):
        """Finish or roll back the recreate of a journal entry; returns the action report."""
        name = entry['network']
        by_id = dict((network['Id'], network) for network in networks)
        by_name = dict((network['Name'], network) for network in networks)
        endpoints = entry.get('endpoints') or []
        if entry['old']['id'] in by_id:
            how, network_id, subnets = 'rolled back', entry['old']['id'], entry['old']['config'].get('subnets')
        elif name in by_name:
            how, network_id, subnets = 'finished', by_name[name]['Id'], entry['target'].get('subnets')
        else:
            how, network_id, subnets = 'finished', None, entry['target'].get('subnets')
        report = dict(name=name, action='recovered', differences=[],
                      reason='a recreate cut off on %s was %s from the journal %s'
                             % (entry.get('started'), how, self.journal.path(name)),
                      containers=dict(restored=[endpoint['name'] for endpoint in endpoints]))
        if check_mode:
            return report
        try:
            if network_id is None:
                network_id = self.calls.create(entry['target'])
            attached = set(summary['Id'] for summary in self.api.containers(all=True, filters={'network': [network_id]}))
            started = []
            for endpoint in endpoints:
                try:
                    container = self.api.inspect_container(endpoint['id'])
                except Exception:
                    continue  # removed since: nothing to put back
                if endpoint['id'] not in attached:
                    self._connect(network_id, endpoint, subnets)
                if endpoint.get('running') and not (container.get('State') or {}).get('Running'):
                    self.api.start(endpoint['id'])
                    started.append(endpoint['name'])
        except Exception as exc:
            raise RecreateError('network "%s" on %s: the recreate cut off on %s could not be %s (%s); the journal %s '
                                'keeps what is needed, rerun to try again'
                                % (name, self.host, entry.get('started'), how, _reason(exc), self.journal.path(name)),
                                changed=True)
        if started:
            report['containers']['started'] = started
        self._forget(name)
        return report
