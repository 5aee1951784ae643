# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan: one PlanItem per network concerned, and every problem found on the way.

Private to this collection. Planning only reads; apply.py carries a plan out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine import validate
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.compare import differences, target_config
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import gathered_form

# What the ``actions`` result says happened, for each planned action.
PAST_TENSE = dict(create='created', recreate='recreated', delete='deleted', update='updated', unchanged='unchanged')
# Deletions first, so that their subnets and names are free for the rest.
APPLY_ORDER = ('delete', 'recreate', 'create', 'update', 'unchanged')


class PlanItem:
    """What happens to one network, and why.

    ``action``: one of APPLY_ORDER. ``before``/``after``: the network in the config format now and
    once applied (None: absent). ``target``: the config to create (create, recreate). ``network``: the
    existing network as GET /networks reports it. ``differences``: field names that differ.
    ``connect``/``reconnect``/``disconnect``: endpoint dicts of containers to attach, re-attach
    (changed aliases or addresses) or detach; ``endpoints``: every endpoint attached now (recreate
    and delete). ``reason``: why an item stays as it is when that is not obvious.
    """

    def __init__(self, name, action, before=None, after=None, target=None, network=None, differences=(),
                 connect=(), reconnect=(), disconnect=(), endpoints=(), reason=None):
        if action not in PAST_TENSE:
            raise ValueError('unknown plan action %r' % action)
        self.name = name
        self.action = action
        self.before = before
        self.after = after
        self.target = target
        self.network = network
        self.differences = list(differences)
        self.connect = list(connect)
        self.reconnect = list(reconnect)
        self.disconnect = list(disconnect)
        self.endpoints = list(endpoints)
        self.reason = reason

    @property
    def changes(self):
        return self.action != 'unchanged'

    def staying(self):
        """Endpoints that stay attached through a recreate, each as it is to be reconnected."""
        leaving = set(endpoint['name'] for endpoint in self.disconnect)
        overrides = dict((endpoint['name'], endpoint) for endpoint in self.reconnect)
        return [overrides.get(endpoint['name'], endpoint) for endpoint in self.endpoints
                if endpoint['name'] not in leaving]

    def report(self):
        """The ``actions`` entry: past tense, the differences, the containers concerned, the reason."""
        report = dict(name=self.name, action=PAST_TENSE[self.action], differences=list(self.differences))
        containers = {}
        for endpoints, label in ((self.connect, 'connected'), (self.reconnect, 'reconnected'),
                                 (self.disconnect, 'disconnected')):
            if endpoints:
                containers[label] = [endpoint['name'] for endpoint in endpoints]
        if self.action == 'recreate':
            leaving = set(endpoint['name'] for endpoint in self.disconnect)
            kept = [endpoint['name'] for endpoint in self.endpoints
                    if endpoint['name'] not in leaving and not endpoint.get('service')]
            if kept:
                containers['restored'] = kept
        changes = self.endpoint_changes()
        if changes:
            containers['changes'] = changes
        if containers:
            report['containers'] = containers
        if self.reason:
            report['reason'] = self.reason
        return report

    def endpoint_changes(self):
        """{container: ["field: now -> wanted", ...]} of the containers reconnected because their endpoint changed."""
        return dict((endpoint['name'], ['%s: %s -> %s' % (field, _shown(now), _shown(wanted))
                                        for field, now, wanted in endpoint['changes']])
                    for endpoint in self.reconnect if endpoint.get('changes'))

    def diff(self):
        """The diff mode entry: before and after in the config format; reconnected containers as text."""
        header = 'network "%s"' % self.name
        entry = dict(before_header=header, after_header=header,
                     before=gathered_form(self.before) or '', after=gathered_form(self.after) or '')
        changes = self.endpoint_changes()
        if changes:
            # Docker cannot change an endpoint in place: say that the container is disconnected for a moment.
            entry['prepared'] = '\n'.join('network "%s": container "%s" is disconnected and connected again: %s'
                                          % (self.name, name, ', '.join(fields)) for name, fields in sorted(changes.items()))
        return entry


def _shown(value):
    return 'none' if value is None or value == [] or value == {} else value


def plan(current, state, desired_configs, recreate_policy='auto', read_host_prefixes=lambda: []):
    """(items, problems) for ``desired_configs`` against ``current`` (a CurrentState) under ``state``."""
    spec = current.spec
    by_name = current.by_name()
    items, problems = [], []
    if state != 'deleted':
        problems.extend(validate.engine_problems(spec, desired_configs, current.client.engine()))
        problems.extend(spec.resolve_desired(current.client, desired_configs))
        for desired in desired_configs:
            if desired.get('containers'):
                problems.extend(_endpoint_options().version_problems(current.client.engine_problem, desired['name'],
                                                                     desired['containers']))
    for desired in desired_configs:
        name = desired['name']
        existing_network = by_name.get(name)
        if existing_network is not None and not spec.manages(existing_network):
            problems.append((name, 'name', 'is taken by a network with driver %s; this module manages %s'
                             % (existing_network.get('Driver'), spec.label)))
            continue
        if state == 'deleted':
            if existing_network is None:
                items.append(PlanItem(name, 'unchanged'))
            else:
                items.append(_delete_item(current, existing_network, problems))
            continue
        problems.extend(validate.missing_container_problems(desired, current.container_names()
                                                            if desired.get('containers') else ()))
        if existing_network is None:
            target = target_config(spec, desired, None, state)
            connect, _reconnect, _disconnect = attachment_changes(desired.get('containers'), [], state)
            items.append(PlanItem(name, 'create', after=target, target=target, connect=connect))
            continue
        items.append(_change_item(current, desired, existing_network, state, recreate_policy, problems))
    if state == 'overridden':
        items.extend(_unlisted_items(current, desired_configs, problems))
    desired_by_name = dict((config['name'], config) for config in desired_configs)
    for item in items:
        problems.extend(validate.container_address_problems(item, desired_by_name.get(item.name)))
        containers = (desired_by_name.get(item.name) or {}).get('containers') or []
        if state != 'deleted' and any(container.get('mac_address') for container in containers) \
                and current.client.engine_at_least(_endpoint_options().RELEASES['mac_address']) \
                and not mac_on_connect(current.client):
            # (before 25.0 the version problem says it all)
            problems.extend(_endpoint_options().mac_problems(item.name, containers, item.endpoints,
                                                             current.client.engine_versions()[0]))
    if any(item.action in ('create', 'recreate') for item in items):
        # Lazily, like the helpers below: only a new or recreated network allocates subnets.
        from ansible_collections.fleetnet.docker.plugins.module_utils._engine.overlaps import overlap_problems
        problems.extend(overlap_problems(spec, items, by_name, read_host_prefixes))
    if state != 'deleted':
        problems.extend(spec.batch_problems(desired_configs, current.networks()))
    return items, problems


# A run whose config lists no containers and recreates nothing does not import (compile) the
# attachment and endpoint rules: AnsiballZ ships module_utils as source, so each import costs a
# compile on every run (issue 16).
def _endpoint_options():
    from ansible_collections.fleetnet.docker.plugins.module_utils._engine import endpoint_options
    return endpoint_options


def attachment_changes(desired_containers, endpoints, state, mac_on_connect=False):
    """attachments.attachment_changes: nothing to change when attachments are not managed."""
    if desired_containers is None:
        return [], [], []
    from ansible_collections.fleetnet.docker.plugins.module_utils._engine import attachments
    return attachments.attachment_changes(desired_containers, endpoints, state, mac_on_connect)


def mac_on_connect(client):
    """Whether the host's engine applies a MAC address on connect (29.3, API 1.54): then mac_address is
    an endpoint option like the others; before, Docker drops it and it is a check (mac_problems)."""
    return client.engine_at_least(_endpoint_options().RELEASES['mac_address applied on connect'])


def _change_item(current, desired, existing_network, state, recreate_policy, problems):
    """The item for a listed network that exists: recreate, update its attachments, or nothing."""
    spec = current.spec
    name = desired['name']
    existing = current.config_of(existing_network)
    found = differences(spec, desired, existing, state)
    target = target_config(spec, desired, existing, state)
    endpoints = []
    if found or desired.get('containers') is not None:
        endpoints = current.endpoints(existing_network)
    containers = desired.get('containers')
    applies_mac = bool(containers) and any(container.get('mac_address') for container in containers) \
        and mac_on_connect(current.client)
    connect, reconnect, disconnect = attachment_changes(containers, endpoints, state, applies_mac)
    if found:
        action = 'recreate'
    elif connect or reconnect or disconnect:
        action = 'update'
        found = ['containers']
    else:
        action = 'unchanged'
    item = PlanItem(name, action, before=existing, after=existing if action == 'unchanged' else target,
                    target=target, network=existing_network, differences=found, connect=connect,
                    reconnect=reconnect, disconnect=disconnect, endpoints=endpoints)
    if action == 'recreate':
        if recreate_policy == 'never':
            problems.append((name, ', '.join(found), 'differ%s from the host and recreate is "never"; '
                             'Docker cannot change a network in place' % ('' if len(found) > 1 else 's')))
        for field, reason in validate.restore_problems(item.staying(), target.get('subnets')):
            problems.append((name, field, reason))
    return item


def _unlisted_items(current, desired_configs, problems):
    """Under overridden: this driver's networks that are not listed are deleted, unless protected."""
    spec = current.spec
    listed = set(config['name'] for config in desired_configs)
    items = []
    for network in sorted(current.networks(), key=lambda n: n['Name']):
        if not spec.manages(network) or network['Name'] in listed or network['Name'] in spec.predefined:
            continue
        reason = spec.protected(network)
        if reason:
            # Reported, so that a network overridden leaves in place is not a mystery.
            kept = current.config_of(network)
            items.append(PlanItem(network['Name'], 'unchanged', before=kept, after=kept,
                                  reason='not listed, but kept: %s' % reason))
        else:
            items.append(_delete_item(current, network, problems))
    return items


def _delete_item(current, network, problems):
    endpoints = current.endpoints(network)
    problems.extend(validate.delete_problems(network['Name'], endpoints))
    return PlanItem(network['Name'], 'delete', before=current.config_of(network), network=network,
                    endpoints=endpoints)
