# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lossless recreate: journal, disconnect, remove, create, reconnect; roll back what Docker refuses;
finish or roll back what a previous run left (docs/safety.md).

Private to this collection. apply.py hands every recreate to ``Recreate.run``; the runner hands
every journal entry left by an earlier run to ``Recreate.recover`` before planning. Failures are
raised as ModuleFailure; one that changed the host carries the change in ``done``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine.attachments import (
    connect_arguments, endpoint_from_container, interface_names)
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.endpoint_options import RELEASES
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.interfaces import holder_of, lower_name_free, subnets_of
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.render import render_payload
from ansible_collections.fleetnet.docker.plugins.module_utils._journal import new_entry
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


def _reason(exc):
    return getattr(exc, 'explanation', None) or str(exc) or exc.__class__.__name__


def _names(endpoints):
    return ', '.join(endpoint['name'] for endpoint in endpoints) or '(none)'


class Recreate:
    """Recreates of one driver's networks through ``client`` (a DockerClient), journalled in ``journal``.

    ``wait_until_removed(network)`` waits for a swarm network to vanish from this node; ``warn(text)``
    reports what Docker did not keep (an interface name). ``journal`` may be None
    (no journal directory could be named): the recreate then runs without one. ``read_interfaces(pid)``
    gives {MAC: interface name} inside a running container (attachments.interface_names).
    """

    def __init__(self, client, spec, journal, wait_until_removed=lambda network: None, warn=lambda text: None,
                 read_interfaces=interface_names):
        self.read_interfaces = read_interfaces
        self.client = client
        self.spec = spec
        self.journal = journal
        self.host = client.host
        self.wait_until_removed = wait_until_removed
        self.warn = warn

    # ------------------------------------------------------------ a recreate planned by this run

    def run(self, item):
        """Replace ``item.network`` by one made from ``item.target``, every staying container reconnected."""
        name = item.name
        old_id = item.network['Id']
        containers = [endpoint for endpoint in item.endpoints if not endpoint.get('service')]
        staying = [endpoint for endpoint in item.staying() if not endpoint.get('service')]
        entry = new_entry(name, self.spec.driver, old_id, item.before, item.target, staying)
        self._write(entry)
        for endpoint in containers:
            self.client.disconnect_container(endpoint.get('id') or endpoint['name'], old_id, name,
                                             container_name=endpoint['name'])
        try:
            self.client.remove_network(old_id, name)
            self.wait_until_removed(item.network)
        except ModuleFailure as exc:
            # A swarm network can be in use on other nodes, which this host cannot see beforehand
            # (the API hides network-attachment tasks): put the local containers back and stop.
            for endpoint in containers:
                self._connect(old_id, name, endpoint, item.before.get('subnets'))
            self._forget(name)
            raise ModuleFailure(
                'network "%s" on %s: cannot be recreated, Docker refused to remove it (%s); it was left as it '
                'was, with its containers reconnected. A swarm network used on other nodes must be freed there '
                'first' % (name, self.host, _reason(exc)))
        new_id = None
        step = 'creating the new network'
        try:
            new_id = self.client.create_network(render_payload(self.spec, item.target))
            entry['new_id'] = new_id
            self._write(entry)
            for endpoint in staying:
                step = 'connecting container "%s"' % endpoint['name']
                self._connect(new_id, name, endpoint, item.target.get('subnets'))
            for endpoint in item.connect:
                step = 'connecting container "%s"' % endpoint['name']
                self._connect(new_id, name, endpoint, None)
        except ModuleFailure as exc:
            self._put_back(item, new_id, containers)
            error = ModuleFailure('network "%s" on %s: recreating it failed at %s (%s); the network was put back as it '
                                  'was, with its containers %s' % (name, self.host, step, _reason(exc), _names(containers)))
            # The network was made again (a new ID): that is a change, whatever else happened.
            error.done = [dict(name=name, action='put back', differences=list(item.differences))]
            raise error
        self._forget(name)
        self._report_renamed(name, staying)
        return new_id

    def _put_back(self, item, new_id, containers):
        """Undo a recreate that Docker refused half-way: the old settings, every container as it was."""
        if new_id is not None:
            for endpoint in containers:
                try:
                    self.client.disconnect_container(endpoint.get('id') or endpoint['name'], new_id, item.name,
                                                     container_name=endpoint['name'])
                except ModuleFailure:
                    pass  # it was not connected yet
            self.client.remove_network(new_id, item.name)
        old_id = self.client.create_network(render_payload(self.spec, item.before))
        for endpoint in containers:
            self._connect(old_id, item.name, endpoint, item.before.get('subnets'))
        self._forget(item.name)

    def _connect(self, network_id, network_name, endpoint, target_subnets):
        """``target_subnets`` None: a new attachment, as the config asks for it; else a reattachment.

        No interface name is asked for (com.docker.network.endpoint.ifname): Docker 28.5 adds a
        container's interfaces in no fixed order when it starts, so a fixed name on one network and a
        generated one on another clash at random ("error renaming interface ... file exists") and the
        container fails to start. From Docker 28 a reconnected interface gets the lowest free ethN,
        which is its old name once that is free (``_reattach`` frees it after a daemon restart).
        """
        arguments = connect_arguments(endpoint, target_subnets, self.client.engine_at_least)
        self.client.connect_container(endpoint.get('id') or endpoint['name'], network_id, network_name,
                                      container_name=endpoint['name'], **arguments)

    def _write(self, entry):
        if self.journal is not None:
            self.journal.write(entry)

    def _forget(self, name):
        if self.journal is not None:
            self.journal.remove(name)

    def _report_renamed(self, name, endpoints):
        """An interface that did not get its old name back (always possible before Docker 28): say so."""
        for endpoint in endpoints:
            if not endpoint.get('interface') or not endpoint.get('running'):
                continue
            container = self.client.inspect_container(endpoint['id'], missing_ok=True) or {}
            settings = ((container.get('NetworkSettings') or {}).get('Networks') or {}).get(name) or {}
            now = self.read_interfaces((container.get('State') or {}).get('Pid')).get((settings.get('MacAddress') or '').lower())
            if now and now != endpoint['interface']:
                why = ('Docker gave it the lowest free name' if self.client.engine_at_least(RELEASES['interface_name'])
                       else 'Docker before 28.0 cannot keep interface names on reconnect, a restart of the container '
                            'puts them back in order')
                self.warn('container "%s" on network "%s" on %s: interface %s is now %s; %s'
                          % (endpoint['name'], name, self.host, endpoint['interface'], now, why))

    # ------------------------------------------------------------ what a previous run left

    def recover(self, entry, networks, check_mode):
        """Finish or roll back the recreate of a journal entry; returns its ``actions`` entry."""
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
                network_id = self.client.create_network(render_payload(self.spec, entry['target']))
            started = []
            for endpoint in endpoints:
                container = self.client.inspect_container(endpoint['id'], missing_ok=True)
                if container is None:
                    continue  # removed since: nothing to put back
                start_after = False
                if endpoint.get('running') and not (container.get('State') or {}).get('Running'):
                    # The daemon stopped it when it died (its restart policy may not have run yet). Started
                    # first, it comes up with its other networks, and the reattachment below sees their
                    # interface names; one that cannot start without this network is started after it.
                    try:
                        self.client.start_container(endpoint['id'], container_name=endpoint['name'])
                        container = self.client.inspect_container(endpoint['id'], missing_ok=True) or container
                        started.append(endpoint['name'])
                    except ModuleFailure:
                        start_after = True
                self._reattach(entry, network_id, endpoint, subnets, container)
                if start_after:
                    self.client.start_container(endpoint['id'], container_name=endpoint['name'])
                    started.append(endpoint['name'])
            self._restore_displaced(entry)
            self._report_renamed(name, endpoints)
        except ModuleFailure as exc:
            self._restore_displaced(entry, best_effort=True)
            error = ModuleFailure('network "%s" on %s: the recreate cut off on %s could not be %s (%s); the journal %s '
                                  'keeps what is needed, rerun to try again'
                                  % (name, self.host, entry.get('started'), how, _reason(exc), self.journal.path(name)))
            error.done = [dict(name=name, action='partly recovered', differences=[])]
            raise error
        if started:
            report['containers']['started'] = started
        self._forget(name)
        return report

    def _reattach(self, entry, network_id, endpoint, subnets, container):
        """Connect a journalled endpoint again, unless it is attached; either way with the interface name it had.

        A daemon that died restarts its containers: one cut off from the network comes back without
        it, with its other interfaces numbered from eth0 again, and Docker 28.5 starts a container's
        interfaces in no fixed order, so even an attached one can come back under another name.
        From Docker 28 a new interface gets the lowest free name: the network holding the old name
        is disconnected first and connected again after (``_restore_displaced``), and an attached
        endpoint under the wrong name is connected again, so the interface order is as it was.
        """
        name = entry['network']
        settings = ((container.get('NetworkSettings') or {}).get('Networks') or {}).get(name)
        # A container never started since it was connected has an empty NetworkID.
        attached = settings is not None and settings.get('NetworkID') in (network_id, '', None)
        wanted = endpoint.get('interface')
        state = container.get('State') or {}
        holder = None
        # Before Docker 28 names are never reused (a counter per container): nothing to free.
        if wanted and state.get('Running') and self.client.engine_at_least(RELEASES['interface_name']):
            names = self.read_interfaces(state.get('Pid'))
            now = names.get(((settings or {}).get('MacAddress') or '').lower()) if attached else None
            if now != wanted:
                _free, holder = holder_of(wanted, container, name, names)
        if attached and holder is None:
            return
        if holder is not None:
            self._displace(entry, container, holder)
        if attached:
            self.client.disconnect_container(container['Id'], network_id, name, container_name=endpoint['name'])
        if holder is not None and lower_name_free(wanted, set(names.values()) - set([wanted, now])):
            # A swap (Docker 28.5 started the interfaces the other way round): the moved network takes
            # the lower name first, so that this one gets ``wanted``.
            self._restore_displaced(entry)
        self._connect(network_id, name, endpoint, subnets)

    def _displace(self, entry, container, holder):
        """Disconnect ``container`` from network ``holder``, journalled first so that a cut-off run reconnects it."""
        settings = container['NetworkSettings']['Networks'][holder]
        moved = endpoint_from_container(container, holder, settings.get('NetworkID'))
        network = self.client.inspect_network(settings.get('NetworkID'))
        entry.setdefault('displaced', []).append(dict(network=holder, network_id=settings.get('NetworkID'),
                                                      subnets=subnets_of(network), endpoint=moved))
        self._write(entry)
        self.client.disconnect_container(container['Id'], settings.get('NetworkID'), holder, container_name=moved['name'])

    def _restore_displaced(self, entry, best_effort=False):
        """Connect again what ``_displace`` moved out of the way (in this run or a cut-off one)."""
        for moved in list(entry.get('displaced') or []):
            endpoint = moved['endpoint']
            try:
                container = self.client.inspect_container(endpoint['id'], missing_ok=True)
                networks = ((container or {}).get('NetworkSettings') or {}).get('Networks') or {}
                if container is not None and (networks.get(moved['network']) or {}).get('NetworkID') != moved['network_id']:
                    self._connect(moved['network_id'], moved['network'], endpoint, moved['subnets'])
            except ModuleFailure:
                if not best_effort:
                    raise
                continue  # the journal keeps it: the next run tries again
            entry['displaced'].remove(moved)
            self._write(entry)
