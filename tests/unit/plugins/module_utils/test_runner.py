# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._engine import runner
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.driver import Driver, DriverOption, TopLevelField
from ansible_collections.fleetnet.docker.plugins.module_utils._engine.plan import PlanItem
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


class MtuDriver(Driver):
    driver = 'bridge'
    options = dict(mtu=DriverOption('com.docker.network.driver.mtu', 'int'),
                   vxlan_ids=DriverOption('vxlanid_list', 'id_list'),
                   mode=DriverOption('macvlan_mode', choices=('bridge', 'vepa')))
    fields = dict(scope=TopLevelField('Scope', default='local', kind='str', choices=('local', 'swarm')))


def test_argspec_has_states_recreate_and_driver_options():
    spec = runner.network_module_argspec(MtuDriver)
    assert spec['state']['choices'] == list(runner.STATES)
    assert spec['state']['default'] == 'merged'
    assert spec['recreate']['choices'] == ['auto', 'never']
    options = spec['config']['options']
    assert 'mtu' in options and 'containers' in options and 'subnets' in options
    assert 'docker_host' in spec
    # The shared option table itself is never modified by one module's options.
    assert 'mtu' not in runner.COMMON_NETWORK_OPTIONS


def test_declared_kinds_and_choices_become_argspec_types():
    options = runner.network_module_argspec(MtuDriver)['config']['options']
    assert options['mtu'] == dict(type='int')
    assert options['vxlan_ids'] == dict(type='list', elements='int')
    assert options['mode'] == dict(type='str', choices=['bridge', 'vepa'])
    assert options['scope'] == dict(type='str', choices=['local', 'swarm'])
    # Docker's defaults are for comparing; in the argspec "not given" must stay None.
    assert 'default' not in options['mode']


def test_summary_lists_every_problem():
    one = str(ModuleFailure(problems=[('lan', 'name', 'is listed 2 times in config')], host='h1'))
    assert one == 'network "lan" on h1: name is listed 2 times in config; nothing was changed'
    two = str(ModuleFailure(problems=[('a', 'gateway', 'x'), ('b', 'subnet', 'y')], host='h2'))
    assert two.startswith('2 problems, nothing was changed: ')
    assert 'network "a" on h2: gateway x' in two and 'network "b" on h2: subnet y' in two


def test_predicted_after_applies_plan():
    before = [dict(name='a'), dict(name='b')]
    items = [PlanItem('a', 'delete'), PlanItem('c', 'create', after=dict(name='c', mtu=None)), PlanItem('b', 'unchanged')]
    assert runner.predicted_after(before, items) == [dict(name='b'), dict(name='c')]
