# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo fleet's gathered data (fixtures/demo_fleet.json, recorded with fixtures/capture.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

import pytest

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'demo_fleet.json')

with open(FIXTURE) as handle:
    DEMO_FLEET = json.load(handle)


@pytest.fixture
def fleet():
    """A fresh copy of the demo fleet's input, one entry per host, for a test to change."""
    return copy.deepcopy(DEMO_FLEET)


@pytest.fixture
def on_host(fleet):
    """on_host(host) -> the host's entry; on_host(host, name) -> its network of that name."""
    def find(host, name=None):
        found = next(item for item in fleet if item['host'] == host)
        if name is None:
            return found
        return next(item for item in found['networks'] if item['name'] == name)
    return find
