# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource-module state machine every ``*_networks`` module runs (config + state).

Private to this collection. A driver module names its Driver class (plugins/module_utils/_drivers/),
builds its argspec with ``network_module_argspec(DRIVER)`` and runs ``run_state`` through
``run_module(module, run_state, DRIVER(module))`` (_module_runner.py):

    merged      create what is missing, compare only what is given
    replaced    each listed network exactly as given
    overridden  replaced, and this driver's unlisted networks removed
    deleted     listed networks removed
    gathered    this driver's networks in config format, under the result key ``gathered``
    rendered    Engine API payloads under ``rendered``, without contacting a daemon

Everything is validated before anything changes; all problems are reported together. Whatever
stops a run is a ModuleFailure, which carries the actions done (apply.py adds them) to ``run_module``,
which reports it once with ``changed``.
The shared options are documented in the doc fragment ``fleetnet.docker.network_resource``
(state, recreate) and, because doc fragments cannot extend an option's suboptions, the common
``config`` suboptions below are repeated in each module's DOCUMENTATION.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._client import DockerClient, connection_argspec, this_host
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.config import gathered_form, normalise_desired
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.current import CurrentState
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.plan import plan
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.validate import static_problems
from ansible_collections.fleetnet.docker.plugins.module_utils._journal import Journal, JournalError, daemon_key
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure

# Applying (apply, recreate), rendering and the host reads are imported inside the functions that use
# them, which a no-op never calls: AnsiballZ ships module_utils as source, so the managed node compiles
# every file a run imports, on every run (Python 3.11's zipimport even compiles each twice), and at fleet
# scale that is a no-op's largest cost of our own (issue 16, bench/README.md).

STATES = ('merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered')

SUBNET_OPTIONS = dict(
    subnet=dict(type='str', required=True),
    gateway=dict(type='str'),
    ip_range=dict(type='str'),
    aux_addresses=dict(type='dict'),
)

CONTAINER_OPTIONS = dict(
    name=dict(type='str', required=True),
    aliases=dict(type='list', elements='str'),
    ipv4_address=dict(type='str'),
    ipv6_address=dict(type='str'),
    # Endpoint options (endpoint_options.py), each needing a newer engine than 20.10.
    mac_address=dict(type='str'),
    gw_priority=dict(type='int'),
    interface_name=dict(type='str'),
    driver_opts=dict(type='dict'),
)

# Per-network options every driver has; a module adds its driver's own.
COMMON_NETWORK_OPTIONS = dict(
    name=dict(type='str', required=True),
    subnets=dict(type='list', elements='dict', options=SUBNET_OPTIONS),
    enable_ipv6=dict(type='bool'),
    internal=dict(type='bool'),
    attachable=dict(type='bool'),
    labels=dict(type='dict'),
    driver_opts=dict(type='dict'),
    containers=dict(type='list', elements='dict', options=CONTAINER_OPTIONS),
)


def network_module_argspec(driver):
    """Complete argspec: config (common + the options ``driver`` declares), state, recreate, connection options."""
    network_options = dict(COMMON_NETWORK_OPTIONS)
    network_options.update(driver.argspec())
    return connection_argspec(
        config=dict(type='list', elements='dict', options=network_options),
        state=dict(type='str', default='merged', choices=list(STATES)),
        recreate=dict(type='str', default='auto', choices=['auto', 'never']),
        empty_config_deletes_all=dict(type='bool', default=False),
    )


def connect_client(module):
    """The module's DockerClient: typed calls to a local daemon go through its socket."""
    return DockerClient(module, local_socket=True)


def run_state(module, spec, connect=connect_client):
    """The result of the module's state; raises ModuleFailure. ``connect(module)`` makes the DockerClient
    (a fake one in unit tests). A module runs it through _module_runner.run_module."""
    params = module.params
    state = params['state']
    desired = [normalise_desired(spec, item) for item in params.get('config') or []]
    # A name of the managed node is needed for messages before any connection exists.
    host = this_host()
    problems = [] if state == 'gathered' else static_problems(spec, desired, state)
    if state == 'overridden' and not desired and not params.get('empty_config_deletes_all'):
        # As in netcommon's resource modules: an empty overridden is almost always a variable left unset.
        raise ModuleFailure('%s on %s: config is empty; with state overridden that removes every one of them: set '
                            'empty_config_deletes_all: true if that is meant; nothing was changed' % (spec.label, host))

    if state == 'rendered':
        if problems:
            raise ModuleFailure(problems=problems, host=host)
        from ansible_collections.fleetnet.docker.plugins.module_utils._engine.render import render_payload  # lazily: see the imports above
        return dict(changed=False, rendered=[render_payload(spec, config) for config in desired])

    client = connect(module)
    host_problem = spec.preflight(client)
    if host_problem:
        # The config's own problems are reported with it, so one run shows everything to fix.
        if not problems:
            raise ModuleFailure(host_problem)
        raise ModuleFailure(problems=problems, also=[host_problem], host=client.host)
    current = CurrentState(client, spec)
    if state == 'gathered':
        return dict(changed=False, gathered=[gathered_form(config) for config in current.gathered()])

    journal = _locked_journal(current, spec, params.get('timeout'), client.host)
    try:
        return _plan_and_apply(module, spec, client, current, journal, desired, problems)
    finally:
        if journal is not None:
            journal.unlock()


def _plan_and_apply(module, spec, client, current, journal, desired, problems):
    """Under the daemon's lock: recover what an interrupted run left, plan, apply; the result."""
    params = module.params
    state = params['state']
    recovered = _recover(current, spec, journal, module)
    # Items with problems of their own are not planned: their comparison would mean nothing.
    flawed = set(problem[0] for problem in problems)
    valid = [config for config in desired if config['name'] not in flawed]
    items, host_problems = plan(current, state, valid, params['recreate'], lambda: _host_prefixes(module))
    problems.extend(host_problems)
    if problems:
        raise ModuleFailure(problems=problems, host=client.host)

    before = [gathered_form(config) for config in current.gathered()]
    changed = bool(recovered) or any(item.changes for item in items)
    result = dict(changed=changed, before=before, actions=recovered + [item.report() for item in items])
    # As netcommon's resource modules do, ``after`` only when something changed (or would, in check
    # mode): a no-op's would repeat ``before``, and at 100 networks that doubles the result every host
    # sends back and the controller parses (issue 16).
    if changed and not module.check_mode:
        from ansible_collections.fleetnet.docker.plugins.module_utils._engine.apply import Applier  # lazily: see the imports above
        Applier(client, spec, journal=journal, warn=module.warn).apply(items)
        result['after'] = [gathered_form(config) for config in current.gathered(refresh=True)]
    elif changed:
        result['after'] = predicted_after(before, items)
    if module._diff:
        result['diff'] = [item.diff() for item in items if item.changes]
    return result


def _locked_journal(current, spec, timeout, host):
    """The daemon's journal, locked for this run (docs/safety.md); None when the daemon cannot be named."""
    key = daemon_key(current.networks())
    if key is None:
        return None
    journal = Journal(key)
    try:
        if journal.lock(timeout or 60):
            current.networks(refresh=True)  # another run changed the host while this one waited
    except (JournalError, OSError) as exc:
        raise ModuleFailure('%s on %s: %s; nothing was changed' % (spec.label, host, exc))
    return journal


def _recover(current, spec, journal, module):
    """Finish or roll back what an interrupted run of this driver left; the ``actions`` entries."""
    if journal is None:
        return []
    try:
        entries = journal.entries(spec.driver)
    except JournalError as exc:
        raise ModuleFailure('%s on %s: %s' % (spec.label, current.client.host, exc))
    reports = []
    if entries:
        from ansible_collections.fleetnet.docker.plugins.module_utils._engine.recreate import Recreate  # lazily: see the imports above
    for entry in entries:
        recreate = Recreate(current.client, spec, journal, warn=module.warn)
        reports.append(recreate.recover(entry, current.networks(refresh=True), module.check_mode))
    if reports:
        current.networks(refresh=True)
    return reports


def _host_prefixes(module):
    """The host's own addresses and routes, read only when a new subnet needs the overlap check."""
    from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import read_host_prefixes  # lazily: see the imports above
    return read_host_prefixes(module)


def predicted_after(before, items):
    """What check mode expects the networks to be once the plan is applied."""
    by_name = dict((config['name'], config) for config in before)
    for item in items:
        if item.action == 'delete':
            by_name.pop(item.name, None)
        elif item.action in ('create', 'recreate'):
            by_name[item.name] = gathered_form(item.after)
    return [by_name[name] for name in sorted(by_name)]
