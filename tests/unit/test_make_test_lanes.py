"""make test's lanes (TEST_LANE_* in the Makefile), read through make itself: every integration target
runs on the newest engine, no target twice on one engine, and every name is a real target."""
import os
import shutil
import subprocess

import pytest

from ansible_collections.fleetnet.docker.tests.unit.integration_scripts import load

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGETS = sorted(os.listdir(os.path.join(ROOT, 'tests', 'integration', 'targets')))
# The lanes are read with matrix.py's own parser, as make test hands them to it.
matrix = load('matrix')
LANES = ('TEST_LANE_ONE', 'TEST_LANE_TWO', 'TEST_LANE_THREE')


def make_variable(name):
    """The variable as make expands it, from the Makefile with nothing else changed."""
    # Run from make unit inside make test: not the parent make's flags and jobserver.
    env = {key: value for key, value in os.environ.items() if key not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL')}
    printed = subprocess.run(['make', '-s', '--no-print-directory', '-C', ROOT,
                              '--eval', 'print-make-variable: ; @echo $(%s)' % name, 'print-make-variable'],
                             capture_output=True, text=True, check=True, env=env)
    return printed.stdout.strip()


def lane_specs():
    """(lane, engine, [targets]) for every ENGINE:TARGET,... of every lane."""
    if shutil.which('make') is None:
        pytest.skip('make is not installed')
    specs = []
    for lane in LANES:
        for spec in make_variable(lane).split():
            engine, targets, _not_run = matrix.parse_engine(spec)
            specs.append((lane, engine, targets))
    return specs


def test_every_target_runs_on_the_newest_engine_once():
    on_newest = [name for _lane, engine, targets in lane_specs() if engine == '29.7' for name in targets]
    assert sorted(on_newest) == TARGETS


def test_lanes_name_real_targets_each_once_per_engine():
    per_engine = {}
    for lane, engine, targets in lane_specs():
        assert targets, '%s runs every target on %s: name them, so the lanes stay balanced' % (lane, engine)
        assert set(targets) <= set(TARGETS), '%s names unknown targets: %s' % (lane, set(targets) - set(TARGETS))
        per_engine.setdefault(engine, []).extend(targets)
    for engine, targets in per_engine.items():
        assert len(targets) == len(set(targets)), 'a target runs twice on %s' % engine
    assert set(per_engine) == {'20.10', '26.1', '28.5', '29.7'}
