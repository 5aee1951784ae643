"""The integration runner's own logic (tests/integration/run.py, matrix.py): engine versions, the
needs/engine alias, what a target reported as skipped, and the per-engine summary."""
import importlib.util
import os

import pytest

INTEGRATION = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'integration')


def load(name):
    spec = importlib.util.spec_from_file_location('integration_' + name, os.path.join(INTEGRATION, name + '.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = load('run')
matrix = load('matrix')


@pytest.mark.parametrize('text, numbers', [
    ('20.10.24+dfsg1', (20, 10, 24)),
    ('28.5.1', (28, 5, 1)),
    ('26.1', (26, 1)),
])
def test_version_tuple(text, numbers):
    assert run.version_tuple(text) == numbers


def test_engine_too_old_names_both_versions():
    assert run.engine_too_old(['fast', 'needs/engine/23.0'], '20.10.24+dfsg1') == \
        'needs Docker Engine 23.0 or newer; this fleet runs 20.10.24+dfsg1'
    assert run.engine_too_old(['needs/engine/23.0'], '28.5.1') is None
    assert run.engine_too_old(['needs/engine/23.0'], None).startswith('needs Docker Engine 23.0 or newer; the inventory')
    assert run.engine_too_old(['fast'], '20.10.24') is None


def test_fleet_engine_is_the_lowest_host(tmp_path):
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text('[docker_hosts]\n'
                         'h1 ansible_host=10.0.0.1 fleet_engine_version=28.5.1 fleet_api_version=1.51\n'
                         'h2 ansible_host=10.0.0.2 fleet_engine_version=20.10.24+dfsg1 fleet_api_version=1.41\n'
                         '[all:vars]\nfleet_name=x\n')
    assert run.fleet_engine(str(inventory)) == '20.10.24+dfsg1'


def test_read_skips_keeps_each_reason_once(tmp_path):
    skips = tmp_path / 'skips.txt'
    skips.write_text('target: no ipvlan links\ntarget: no ipvlan links\npart: no 802.1q\nnoise\n')
    assert run.read_skips(str(skips)) == (['no ipvlan links'], ['no 802.1q'])


def test_summary_lists_skipped_with_the_reason_and_never_as_passed():
    class Run:
        engine, fleet, version, seconds, left_out, problems = '20.10', 'me2010', 'Docker Engine 20.10', 1, [], []
        passed, failed = ['bridge_networks'], []
        skipped = {'ipvlan_networks': 'the kernel has no ipvlan links'}
        partly_skipped = {'bridge_networks': ['one part']}
        proven = {'bridge_networks': []}

        def not_yet_proven(self):
            return matrix.EngineRun.not_yet_proven(self)

    text, failed = matrix.summary([Run()])
    assert failed == 0
    assert '  passed: bridge_networks' in text.splitlines()
    assert '    ipvlan_networks skipped: the kernel has no ipvlan links' in text.splitlines()
    assert '    bridge_networks, part skipped: one part' in text.splitlines()
    assert '  passed, not yet proven/20.10 in their aliases: bridge_networks' in text.splitlines()
    assert text.splitlines()[-1] == '1 passed, 0 failed, 1 skipped'
