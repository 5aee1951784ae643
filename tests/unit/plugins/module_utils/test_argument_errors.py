# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._argument_errors import item_problems

OPTIONS = dict(name=dict(type='str', required=True), mtu=dict(type='int'),
               mode=dict(type='str', choices=['bridge', 'vepa']), enable_icc=dict(type='bool'))


def test_each_bad_item_is_named_with_its_field_and_value():
    problems = item_problems(OPTIONS, [dict(name='good', mtu=1500), dict(name='lan', mtu='abc'),
                                       dict(name='dmz', mode='sideways'), dict(name='icc', enable_icc='sometimes')])
    assert [(name, field) for name, field, _reason in problems] == [('lan', 'mtu'), ('dmz', 'mode'), ('icc', 'enable_icc')]
    assert problems[0][2].startswith('"abc": ')
    assert 'sideways' in problems[1][2]


def test_an_item_without_a_name_or_with_an_unknown_option_is_named_by_its_position():
    problems = item_problems(OPTIONS, [dict(mtu=1400), dict(name='x', colour='blue'), 'text'])
    assert problems[0][0] == 'config[0]' and 'name' in problems[0][2]
    assert problems[1][0] == 'x' and 'colour' in problems[1][2]
    assert problems[2][:2] == ('config[2]', 'config[2]')
