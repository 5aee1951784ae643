# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""run_module: the one place a module exits or fails, with ``changed`` and the actions done."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import run_module
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure


class Ended(Exception):
    def __init__(self, failed, result):
        super(Ended, self).__init__(result.get('msg'))
        self.failed, self.result = failed, result


class FakeModule:
    """exit_json and fail_json that stop, as AnsibleModule's do."""

    params = {}

    def exit_json(self, **result):
        raise Ended(False, result)

    def fail_json(self, **result):
        raise Ended(True, result)


def end(run, *arguments):
    with pytest.raises(Ended) as ended:
        run_module(FakeModule(), run, *arguments)
    return ended.value


def test_the_result_of_run_is_what_the_module_exits_with():
    ended = end(lambda module, extra: dict(changed=False, extra=extra), 'given')
    assert not ended.failed and ended.result == dict(changed=False, extra='given')


def test_a_failure_before_any_change_says_nothing_was_changed():
    def run(module):
        raise ModuleFailure(problems=[('lan', 'subnet', 'is not a CIDR')], host='h1')
    ended = end(run)
    assert ended.failed and ended.result == dict(
        msg='network "lan" on h1: subnet is not a CIDR; nothing was changed', changed=False,
        errors=['network "lan" on h1: subnet is not a CIDR'])


def test_a_failure_after_a_change_reports_changed_and_the_actions_a_runner_recorded():
    def run(module):
        try:
            raise ModuleFailure('removing network "b" on h1 failed: in use')
        except ModuleFailure as failure:
            raise failure.record([dict(name='a', action='created')], not_done=['b'])
    ended = end(run)
    assert ended.failed and ended.result == dict(
        msg='removing network "b" on h1 failed: in use (after network "a" was created)', changed=True,
        actions=[dict(name='a', action='created')], not_done=['b'])


def test_anything_else_is_a_bug_and_is_not_turned_into_a_failure():
    def run(module):
        raise TypeError('a bug')
    with pytest.raises(TypeError):
        run_module(FakeModule(), run)


def test_a_bad_config_item_is_named_by_network_module_before_any_run(monkeypatch, capsys):
    testing = pytest.importorskip('ansible.module_utils.testing')
    from ansible_collections.fleetnet.docker.plugins.module_utils import _argument_errors
    from ansible_collections.fleetnet.docker.plugins.module_utils._module_runner import NetworkModule
    monkeypatch.setattr(_argument_errors, 'this_host', lambda: 'h2')
    spec = dict(config=dict(type='list', elements='dict', options=dict(name=dict(type='str', required=True),
                                                                       mtu=dict(type='int'))))
    with testing.patch_module_args(dict(config=[dict(name='lan', mtu='big')])):
        with pytest.raises(SystemExit):
            NetworkModule(argument_spec=spec)
    printed = json.loads(capsys.readouterr().out)
    assert printed['failed'] and printed['msg'].startswith('network "lan" on h2: mtu "big": ')
    assert printed['msg'].endswith('; nothing was changed') and len(printed['errors']) == 1
