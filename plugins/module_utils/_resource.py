# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource-module state machine every ``*_networks`` module runs (config + state).

Private to this collection. A driver module declares its DriverSpec and its own per-network
options, builds its argspec with ``network_module_argspec`` and calls ``run_network_module``:

    merged      create what is missing, compare only what is given
    replaced    each listed network exactly as given
    overridden  replaced, and this driver's unlisted networks removed
    deleted     listed networks removed
    gathered    this driver's networks in config format, under the result key ``gathered``
    rendered    Engine API payloads under ``rendered``, without contacting a daemon

Everything is validated before anything changes; all problems are reported together.
The shared options are documented in the doc fragment ``fleetnet.docker.network_resource``
(state, recreate) and, because doc fragments cannot extend an option's suboptions, the common
``config`` suboptions below are repeated in each module's DOCUMENTATION.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _network_engine as engine
from ansible_collections.fleetnet.docker.plugins.module_utils._client import DockerClient, connection_argspec, this_host
from ansible_collections.fleetnet.docker.plugins.module_utils._host_reads import read_host_prefixes

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


def network_module_argspec(driver_options):
    """Complete argspec: config (common + driver options), state, recreate and the connection options."""
    network_options = dict(COMMON_NETWORK_OPTIONS)
    network_options.update(driver_options)
    return connection_argspec(
        config=dict(type='list', elements='dict', options=network_options),
        state=dict(type='str', default='merged', choices=list(STATES)),
        recreate=dict(type='str', default='auto', choices=['auto', 'never']),
    )


def _diff_entry(item):
    return dict(before_header='network "%s"' % item['name'], after_header='network "%s"' % item['name'],
                before=engine.gathered_form(item.get('before')) or '',
                after=engine.gathered_form(item.get('after')) or '')


def _predicted_after(before, items):
    by_name = dict((config['name'], config) for config in before)
    for item in items:
        if item['action'] == 'delete':
            by_name.pop(item['name'], None)
        elif item['action'] in ('create', 'recreate'):
            by_name[item['name']] = engine.gathered_form(item['after'])
    return [by_name[name] for name in sorted(by_name)]


def run_network_module(module, spec):
    """Run the module's state against the daemon and exit (or fail) the module."""
    params = module.params
    state = params['state']
    desired = [engine.normalise_desired(spec, item) for item in params.get('config') or []]
    # A name of the managed node is needed for messages before any connection exists.
    host = this_host()
    problems = [] if state == 'gathered' else engine.static_problems(spec, desired, state)

    if state == 'rendered':
        if problems:
            _fail(module, host, problems)
        module.exit_json(changed=False, rendered=[engine.render_payload(spec, config) for config in desired])

    client = DockerClient(module)
    host_problem = spec.preflight(client)
    if host_problem:
        # The config's own problems are reported with it, so one run shows everything to fix.
        if not problems:
            module.fail_json(msg=host_problem)
        _fail(module, client.host, problems, also=[host_problem])
    network_engine = engine.NetworkEngine(client, spec, lambda: read_host_prefixes(module))
    if state == 'gathered':
        module.exit_json(changed=False, gathered=[engine.gathered_form(config) for config in network_engine.gathered()])

    # Items with problems of their own are not planned: their comparison would mean nothing.
    flawed = set(problem[0] for problem in problems)
    valid = [config for config in desired if config['name'] not in flawed]
    items, host_problems = network_engine.plan(state, valid, params['recreate'])
    problems.extend(host_problems)
    if problems:
        _fail(module, client.host, problems)

    before = [engine.gathered_form(config) for config in network_engine.gathered()]
    changed = any(item['action'] != 'unchanged' for item in items)
    if changed and not module.check_mode:
        network_engine.apply(items)
        after = [engine.gathered_form(config) for config in network_engine.gathered_after()]
    else:
        after = _predicted_after(before, items) if changed else before
    result = dict(changed=changed, before=before, after=after,
                  actions=[engine.action_report(item) for item in items])
    if module._diff:
        result['diff'] = [_diff_entry(item) for item in items if item['action'] != 'unchanged']
    module.exit_json(**result)


def _problem_lines(host, problems, also=()):
    """One line per (network, field, reason) problem, then lines already written (``also``)."""
    return [engine.format_problem(host, problem) for problem in problems] + list(also)


def _fail(module, host, problems, also=()):
    module.fail_json(msg=_summary(host, problems, also), errors=_problem_lines(host, problems, also))


def _summary(host, problems, also=()):
    lines = _problem_lines(host, problems, also)
    if len(lines) == 1:
        return lines[0] + '; nothing was changed'
    return '%d problems, nothing was changed: %s' % (len(lines), '; '.join(lines))
