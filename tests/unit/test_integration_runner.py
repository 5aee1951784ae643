"""The integration runner's own logic (tests/integration/run.py, matrix.py): engine versions, the
needs/engine alias, what a target reported as skipped, and the per-engine summary."""
import pytest

from ansible_collections.fleetnet.docker.tests.unit.integration_scripts import load


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
        why_failed, flaky = {}, {}

        def not_yet_proven(self):
            return matrix.EngineRun.not_yet_proven(self)

    text, failed = matrix.summary([Run()])
    assert failed == 0
    assert '  passed: bridge_networks' in text.splitlines()
    assert '    ipvlan_networks skipped: the kernel has no ipvlan links' in text.splitlines()
    assert '    bridge_networks, part skipped: one part' in text.splitlines()
    assert '  passed, not yet proven/20.10 in their aliases: bridge_networks' in text.splitlines()
    assert text.splitlines()[-1] == '1 passed, 0 failed, 1 skipped'


why_failed = load('why_failed')


def reason_of(output):
    why = why_failed.WhyFailed()
    for line in output.splitlines(True):
        why.feed(line)
    return why.reason()


def test_why_failed_names_the_task_of_the_failure_that_ended_the_run():
    output = '''
TASK [Try the thing that the rescue handles] ***********************************
fatal: [h1]: FAILED! => {"msg": "handled by the rescue"}

TASK [Ignored] *****************************************************************
\x1b[0;31mfatal: [h2]: FAILED! => {"msg": "ignored"}\x1b[0m
...ignoring

TASK [The manager sees h2 down] ************************************************
FAILED - RETRYING: [h1]: The manager sees h2 down (59 retries left).
fatal: [h1 -> h2(10.0.0.2)]: FAILED! => {"msg": "the real failure"}

PLAY RECAP *********************************************************************
h1                         : ok=3    changed=0    unreachable=0    failed=1
'''
    assert reason_of(output) == ('task "The manager sees h2 down": '
                                 'fatal: [h1 -> h2(10.0.0.2)]: FAILED! => {"msg": "the real failure"}')


def test_why_failed_without_a_failed_task_is_the_last_line():
    output = 'TASK [A] ***\nok: [h1]\nbridge_role: check mode of vars.yml changed a host\n'
    assert reason_of(output) == 'last line: bridge_role: check mode of vars.yml changed a host'
    assert reason_of('fatal: [h1]: FAILED! => {"msg": "x"}\n') == 'fatal: [h1]: FAILED! => {"msg": "x"}'
    assert reason_of('') == 'no output'


def test_why_failed_after_a_playbook_that_failed_on_no_host_is_the_shell_checks_line():
    # The swarm target: its playbook's rescued failure, then membership.sh's check fails with
    # lines of another playbook's output quoted in its message.
    output = '''
TASK [Try the thing that the rescue handles] ***********************************
fatal: [h1]: FAILED! => {"msg": "handled by the rescue"}

TASK [Leave the swarm on every host] *******************************************
ok: [h1]

PLAY RECAP *********************************************************************
h1                         : ok=3    changed=0    unreachable=0    failed=0    skipped=0    rescued=1
h2                         : ok=3    changed=0    unreachable=0    failed=0    skipped=0    rescued=0

swarm membership, case change: FAILED: the hosts are not as expected (managers h2,h3, workers h1):
fatal: [h1]: FAILED! => {"msg": "h1 is not a worker"}
'''
    assert reason_of(output) == 'fatal: [h1]: FAILED! => {"msg": "h1 is not a worker"}'
    # A recap that names a failed host keeps its failure.
    failed = output.replace('failed=0    skipped=0    rescued=1', 'failed=1    skipped=0    rescued=0')
    assert reason_of(failed.split('swarm membership', maxsplit=1)[0]) == (
        'task "Try the thing that the rescue handles": fatal: [h1]: FAILED! => {"msg": "handled by the rescue"}')


def test_why_failed_is_cut_to_a_summary_line():
    assert len(reason_of('fatal: [h1]: FAILED! => {"msg": "%s"}\n' % ('x' * 2000))) == why_failed.LONGEST


def test_why_failed_reads_a_result_printed_over_several_lines():
    output = '''TASK [The failure that counts] *************************************************
[ERROR]: Task failed: Action failed: deliberately failing
fatal: [h1]: FAILED! => {
    "assertion": "1 == 2",
    "changed": false,
    "msg": "deliberately failing"
}

PLAY RECAP *********************************************************************
'''
    assert reason_of(output) == 'task "The failure that counts": fatal: [h1]: FAILED! => msg: deliberately failing'
    assert reason_of('fatal: [h1]: FAILED! => {\n    "rc": 1\n}\n') == 'fatal: [h1]: FAILED! => {"rc": 1}'


def test_why_failed_takes_an_error_that_is_not_a_task_of_its_own():
    output = ('TASK [Ignored] ***\n[ERROR]: Task failed: Module failed: rc 1\nfatal: [h1]: FAILED! => {"rc": 1}\n'
              '...ignoring\n[ERROR]: the role "nope" was not found\n')
    assert reason_of(output) == '[ERROR]: the role "nope" was not found'


def test_summary_names_a_flaky_target_with_its_first_failure_and_why_a_target_failed():
    class Run:
        engine, fleet, version, seconds, left_out, problems = '28.5', 'me285', 'Docker Engine 28.5', 1, [], []
        passed, failed = ['swarm'], ['report']
        why_failed = {'report': 'task "Write report.html": fatal: [h1]: FAILED! => msg: no space'}
        flaky = {'swarm': 'task "The manager sees h2 down": fatal: [h1]: FAILED! => msg: timeout'}
        skipped, partly_skipped, proven = {}, {}, {'swarm': ['28.5'], 'report': ['28.5']}

        def not_yet_proven(self):
            return matrix.EngineRun.not_yet_proven(self)

    text, failed = matrix.summary([Run()])
    lines = text.splitlines()
    assert failed == 1
    assert ('  FLAKY (passed on its second run): swarm; the first failed: task "The manager sees h2 down": '
            'fatal: [h1]: FAILED! => msg: timeout') in lines
    assert '    report failed: task "Write report.html": fatal: [h1]: FAILED! => msg: no space' in lines
    assert lines[-1] == '1 passed, 1 failed, 0 skipped'
